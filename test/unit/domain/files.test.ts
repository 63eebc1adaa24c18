// The checks an upload and a template share (shared/domain/files.ts).
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors';
import { acceptFile, fileFields } from '../../../shared/domain/files';

const ob = { maxBytes: 1000, allowedTypes: ['pdf', 'docx'] as const } as never;
const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
};

describe('a declared file against its obligation', () => {
  it('takes the type from the extension and the Content-Type from the type, never from the client', () => {
    expect(acceptFile(ob, { fileName: ' 年度工作总结.PDF', size: 10 })).toEqual({
      fileName: '年度工作总结.PDF',
      type: 'pdf',
      contentType: 'application/pdf',
    });
  });
  it('refuses a file over maxBytes (413) and an extension not allowed (415)', () => {
    expect(code(() => acceptFile(ob, { fileName: 'a.pdf', size: 1001 }))).toBe('too_large');
    expect(code(() => acceptFile(ob, { fileName: 'a.pdf', size: 1000 }))).toBe('ok');
    expect(code(() => acceptFile(ob, { fileName: '年度工作总结.bat', size: 10 }))).toBe('unsupported_type');
    expect(code(() => acceptFile(ob, { fileName: 'a.doc', size: 10 }))).toBe('unsupported_type');
  });
  it('validates the declared fields: a lone surrogate, an empty name, a size of 0', () => {
    const schema = z.strictObject(fileFields);
    const ok = { fileName: 'a.pdf', contentType: 'application/pdf', size: 1 };
    expect(schema.safeParse(ok).success).toBe(true);
    expect(schema.safeParse({ ...ok, fileName: 'a\uD800.pdf' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, fileName: '' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, size: 0 }).success).toBe(false);
    expect(schema.safeParse({ ...ok, contentType: 'pdf' }).success).toBe(false);
  });
});
