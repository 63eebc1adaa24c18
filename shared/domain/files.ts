// A file a client announces before it sends it (an upload, a template): the fields it declares and
// the checks against the obligation it is for — the same for both.
import * as z from 'zod';
import { AppError } from './errors';
import type { FileType, Obligation } from './model';
import { cleanFileName, declaredType, mimeOf } from './sniff';
import { isWellFormed } from './text';

/** What the client declares: its file's name, type and size (the type is never trusted: see acceptFile). */
export const fileFields = {
  /** Kept (cleaned) as metadata and shown in receipts; never part of the object key. */
  fileName: z
    .string()
    .min(1)
    .max(1024, 'fileName is too long')
    .refine(isWellFormed, 'fileName must be well-formed Unicode (no lone surrogates)'),
  contentType: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9][\w.+-]*\/[\w.+-]+$/, 'contentType must be a MIME type such as application/pdf'),
  size: z.number().int('size must be an integer').min(1, 'size must be at least 1 byte'),
};

/**
 * The declared file against the obligation: larger than its maxBytes → 413 too_large; an extension
 * not among its allowedTypes → 415 unsupported_type. The type is the extension's, and the
 * Content-Type to store is that type's, never the client's `contentType`.
 */
export function acceptFile(
  ob: Pick<Obligation, 'maxBytes' | 'allowedTypes'>,
  file: { fileName: string; size: number },
): { fileName: string; type: FileType; contentType: string } {
  if (file.size > ob.maxBytes)
    throw new AppError('too_large', `the file is larger than ${ob.maxBytes} bytes`, [
      { field: 'size', message: `at most ${ob.maxBytes} bytes` },
    ]);
  const fileName = cleanFileName(file.fileName);
  const type = declaredType(fileName);
  if (!type || !ob.allowedTypes.includes(type))
    throw new AppError('unsupported_type', `allowed types: ${ob.allowedTypes.join(', ')}`, [
      { field: 'fileName', message: `the extension must be one of: ${ob.allowedTypes.join(', ')}` },
    ]);
  return { fileName, type, contentType: mimeOf(type) };
}
