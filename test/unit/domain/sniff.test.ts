import { describe, expect, it } from 'vitest';
import {
  checkContent,
  cleanFileName,
  declaredType,
  downloadName,
  mimeOf,
  sniffType,
  typeOfMime,
} from '../../../shared/domain/sniff';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const PDF = bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
const ZIP = bytes('PK\x03\x04\x14\x00\x06\x00');
const OLE = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ALL = ['pdf', 'docx', 'doc', 'ofd', 'wps', 'xlsx'] as const;

describe('sniffType', () => {
  it('recognises PDF, zip and OLE by their leading bytes', () => {
    expect(sniffType(PDF)).toBe('pdf');
    expect(sniffType(ZIP)).toBe('zip');
    expect(sniffType(OLE)).toBe('ole');
    expect(sniffType(PNG)).toBeNull();
    expect(sniffType(bytes('%PDF'))).toBeNull(); // too short for %PDF-
    expect(sniffType(new Uint8Array())).toBeNull();
  });
});

describe('declaredType', () => {
  it('from the extension, case-insensitive', () => {
    expect(declaredType('半年总结.PDF')).toBe('pdf');
    expect(declaredType('a.docx')).toBe('docx');
    expect(declaredType('a.ofd')).toBe('ofd');
    expect(declaredType('a.wps')).toBe('wps');
  });
  it('nothing else: no extension, or one not ours, declares no type', () => {
    for (const name of [
      'report',
      '年度工作总结.bat',
      'a.hta',
      'a.html',
      'a.svg',
      'a.lnk',
      'a.exe',
      'a.pdf.exe',
      'photo.png',
    ])
      expect([name, declaredType(name)]).toEqual([name, null]);
  });
});

describe('typeOfMime, mimeOf and downloadName', () => {
  it('maps MIME types to file types and back (parameters ignored)', () => {
    expect(typeOfMime('Application/PDF; charset=binary')).toBe('pdf');
    expect(typeOfMime('application/msword')).toBe('doc');
    expect(typeOfMime('application/kswps')).toBe('wps');
    expect(typeOfMime('text/html')).toBeNull();
    for (const t of ALL) expect(typeOfMime(mimeOf(t))).toBe(t);
  });
  it('forces the extension of a download to the file’s type', () => {
    expect(downloadName('年度工作总结.pdf', 'pdf')).toBe('年度工作总结.pdf');
    expect(downloadName('年度工作总结.PDF', 'pdf')).toBe('年度工作总结.PDF');
    expect(downloadName('年度工作总结.bat', 'pdf')).toBe('年度工作总结.bat.pdf');
    expect(downloadName('总结.docx', 'xlsx')).toBe('总结.docx.xlsx');
  });
});

describe('checkContent', () => {
  it('a real PDF declared pdf is fine', () => {
    expect(checkContent(PDF, 'pdf', [...ALL])).toEqual({ ok: true });
  });
  it('a PNG renamed .pdf is rejected, in Chinese, saying what is wrong and how to fix it', () => {
    const r = checkContent(PNG, 'pdf', [...ALL]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('文件内容不是PDF格式（文件头不符');
      expect(r.reason).toContain('PNG图片');
      expect(r.reason).toContain('请上传真实的PDF文件后重新报送');
    }
  });
  it('docx, xlsx, ofd need a zip; doc and wps need OLE', () => {
    for (const t of ['docx', 'xlsx', 'ofd'] as const) {
      expect(checkContent(ZIP, t, [...ALL]).ok).toBe(true);
      expect(checkContent(OLE, t, [...ALL]).ok).toBe(false);
      expect(checkContent(PDF, t, [...ALL]).ok).toBe(false);
    }
    for (const t of ['doc', 'wps'] as const) {
      expect(checkContent(OLE, t, [...ALL]).ok).toBe(true);
      expect(checkContent(ZIP, t, [...ALL]).ok).toBe(false);
    }
    expect(checkContent(ZIP, 'pdf', [...ALL]).ok).toBe(false);
  });
  it('an empty file, a type not allowed, or no type at all is rejected', () => {
    const empty = checkContent(new Uint8Array(), 'pdf', [...ALL]);
    expect(empty).toEqual({ ok: false, reason: expect.stringContaining('文件为空') });
    const notAllowed = checkContent(ZIP, 'docx', ['pdf', 'ofd']);
    expect(notAllowed).toEqual({ ok: false, reason: expect.stringContaining('PDF、OFD') });
    expect(checkContent(PDF, null, [...ALL]).ok).toBe(false);
  });
});

describe('cleanFileName', () => {
  it('keeps only the base name', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\张三\\桌面\\半年总结.pdf')).toBe('半年总结.pdf');
    expect(cleanFileName('..')).toBe('unnamed');
    expect(cleanFileName('dir/')).toBe('unnamed');
  });
  it('removes control and bidi characters, trims', () => {
    expect(cleanFileName('  report\u0000\u0007\u001b\u007f\u0085.pdf \n')).toBe('report.pdf');
    // "evil\u202Efdp.exe" shows as "evilexe.pdf"
    expect(cleanFileName('evil\u202efdp.exe')).toBe('evilfdp.exe');
    expect(cleanFileName('a\u2066b\u2067c\u2068d\u2069e\u200e\u200f\u202a\u202b\u202c\u202d.pdf')).toBe(
      'abcde.pdf',
    );
  });
  it('caps at 120 characters, keeping the extension', () => {
    const long = `${'很'.repeat(300)}.docx`;
    const cleaned = cleanFileName(long);
    expect([...cleaned]).toHaveLength(120);
    expect(cleaned.endsWith('.docx')).toBe(true);
    const emoji = cleanFileName(`${'😀'.repeat(200)}.pdf`);
    expect([...emoji]).toHaveLength(120);
    expect(emoji.endsWith('😀.pdf')).toBe(true);
    expect(cleanFileName('a'.repeat(300))).toHaveLength(120);
  });
  it('an empty name becomes unnamed', () => {
    expect(cleanFileName('')).toBe('unnamed');
    expect(cleanFileName('   ')).toBe('unnamed');
    expect(cleanFileName('\u202e\u0000')).toBe('unnamed');
  });
});
