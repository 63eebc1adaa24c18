// Issue 11 defect 3: a bare header is no document. Real minimal files (test/fixtures/make.py)
// pass; headers alone, truncated files and zips without their marker entry do not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileType } from '../../../shared/domain/model';
import { checkContent } from '../../../shared/domain/sniff';
import {
  checkStructure,
  LEADING_BYTES,
  TRAILING_BYTES,
  zipEntryNames,
} from '../../../shared/domain/structure';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
/** What the receipt keeps of a file as it streams: its first and last bytes. */
const check = (type: FileType, file: Uint8Array) =>
  checkStructure(
    type,
    file.length,
    file.subarray(0, LEADING_BYTES),
    file.subarray(Math.max(0, file.length - TRAILING_BYTES)),
  );
const ALL = ['pdf', 'docx', 'doc', 'ofd', 'wps', 'xlsx'] as const;

describe('checkStructure accepts real minimal documents', () => {
  it.each([
    ['pdf', 'minimal.pdf'],
    ['docx', 'minimal.docx'],
    ['xlsx', 'minimal.xlsx'],
    ['ofd', 'minimal.ofd'],
    ['doc', 'minimal.doc'],
    ['wps', 'minimal.doc'], // WPS text files are OLE compound files too
  ] as const)('%s (%s)', (type, name) => {
    const file = fixture(name);
    expect(checkContent(file.subarray(0, 16), type, ALL)).toEqual({ ok: true });
    expect(check(type, file)).toEqual({ ok: true });
  });

  it('a PDF with trailing bytes after %%EOF (within 1 KB) still passes', () => {
    const file = Buffer.concat([fixture('minimal.pdf'), Buffer.alloc(600, 0x20)]);
    expect(check('pdf', file)).toEqual({ ok: true });
  });

  it('lists a zip central directory even when the file is larger than the kept tail', () => {
    // A stored zip whose first entry is bigger than the tail the receipt keeps.
    const big = Buffer.concat([Buffer.alloc(TRAILING_BYTES + 1000), fixture('minimal.docx')]);
    // Shift the docx's offsets by prepending: rebuild the end record's CD offset.
    const eocd = big.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    big.writeUInt32LE(big.readUInt32LE(eocd + 16) + TRAILING_BYTES + 1000, eocd + 16);
    expect(zipEntryNames(big.length, big.subarray(big.length - TRAILING_BYTES))).toContain(
      '[Content_Types].xml',
    );
  });
});

describe('checkStructure rejects what is not a whole document', () => {
  it('a 15-byte %PDF- file, with a clear reason', () => {
    const file = new Uint8Array(Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1')).subarray(0, 15);
    expect(file.length).toBe(15);
    expect(checkContent(file, 'pdf', ALL)).toEqual({ ok: true }); // the header alone passes the sniff
    const r = check('pdf', file);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('%%EOF');
    expect(!r.ok && r.reason).toContain('不是完整的PDF文件');
  });

  it('a PDF cut short (no %%EOF in its last 1 KB)', () => {
    const pdf = fixture('minimal.pdf');
    expect(check('pdf', pdf.subarray(0, pdf.length - 8)).ok).toBe(false);
    const padded = Buffer.concat([pdf, Buffer.alloc(2000, 0x20)]);
    expect(check('pdf', padded).ok).toBe(false);
  });

  it('a bare zip header, and a zip cut short', () => {
    const header = new Uint8Array(Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'));
    const r = check('docx', header);
    expect(!r.ok && r.reason).toContain('找不到 ZIP 目录结束记录');
    const docx = fixture('minimal.docx');
    expect(check('docx', docx.subarray(0, docx.length - 30)).ok).toBe(false);
  });

  it('a zip without its marker entry: an ordinary zip named .docx, a docx named .ofd', () => {
    const docx = fixture('minimal.docx');
    const ofd = fixture('minimal.ofd');
    const asOfd = check('ofd', docx);
    expect(!asOfd.ok && asOfd.reason).toContain('OFD.xml');
    const asDocx = check('docx', ofd);
    expect(!asDocx.ok && asDocx.reason).toContain('[Content_Types].xml');
  });

  it('a zip whose end record points outside the file', () => {
    const docx = Buffer.from(fixture('minimal.docx'));
    const eocd = docx.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    docx.writeUInt32LE(docx.length, eocd + 16);
    const r = check('docx', docx);
    expect(!r.ok && r.reason).toContain('超出文件范围');
  });

  it('a bare OLE header, and an OLE header with nonsense fields', () => {
    const bare = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0, 0]);
    expect(checkContent(bare, 'doc', ALL)).toEqual({ ok: true });
    const r = check('doc', bare);
    expect(!r.ok && r.reason).toContain('不是完整的Word（DOC）文件');
    const doc = fixture('minimal.doc');
    expect(check('doc', doc.subarray(0, 512 + 512)).ok).toBe(false); // header + FAT, no directory
    const wrongOrder = Buffer.from(doc);
    wrongOrder.writeUInt16LE(0xfeff, 28);
    expect(check('wps', wrongOrder).ok).toBe(false);
    const farDirectory = Buffer.from(doc);
    farDirectory.writeUInt32LE(1000, 48);
    expect(check('doc', farDirectory).ok).toBe(false);
  });
});
