// File type by leading bytes (SPEC §4.2), the declared type of an upload, and safe file names.
import type { FileType } from './model';

export type SniffedType = 'pdf' | 'zip' | 'ole';

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, sig: number[]) =>
  bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** The container format of a file from its first bytes, or null when none of ours. */
export function sniffType(leading: Uint8Array): SniffedType | null {
  if (startsWith(leading, PDF)) return 'pdf';
  if (startsWith(leading, ZIP)) return 'zip';
  if (startsWith(leading, OLE)) return 'ole';
  return null;
}

/** The container each declared type must have. */
export const CONTAINER_OF: Record<FileType, SniffedType> = {
  pdf: 'pdf',
  docx: 'zip',
  xlsx: 'zip',
  ofd: 'zip',
  doc: 'ole',
  wps: 'ole',
};

export const MIME_TYPES: Record<FileType, string[]> = {
  pdf: ['application/pdf'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  doc: ['application/msword'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ofd: ['application/ofd'],
  wps: ['application/vnd.ms-works', 'application/kswps'],
};

export const TYPE_LABEL: Record<FileType, string> = {
  pdf: 'PDF',
  docx: 'Word（DOCX）',
  doc: 'Word（DOC）',
  xlsx: 'Excel（XLSX）',
  ofd: 'OFD',
  wps: 'WPS',
};

const isFileType = (s: string): s is FileType => Object.hasOwn(CONTAINER_OF, s);

/**
 * The type an upload claims: its file name's extension, and nothing else. The client's
 * `contentType` never decides it (a `.bat` declared `application/pdf` is no PDF to the office).
 */
export function declaredType(fileName: string): FileType | null {
  const dot = fileName.lastIndexOf('.');
  const ext =
    dot >= 0
      ? fileName
          .slice(dot + 1)
          .trim()
          .toLowerCase()
      : '';
  return isFileType(ext) ? ext : null;
}

/** The type a MIME type names (parameters ignored), or null. */
export function typeOfMime(contentType: string): FileType | null {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  for (const [type, mimes] of Object.entries(MIME_TYPES)) if (mimes.includes(mime)) return type as FileType;
  return null;
}

/** The Content-Type stored with, and served for, a file of this type. */
export const mimeOf = (type: FileType): string => MIME_TYPES[type][0]!;

/**
 * The name a download carries: the stored name with its extension forced to the file's type
 * (`报告.bat` of a PDF downloads as `报告.bat.pdf`), so the office's computer opens it as what the
 * receipt checked it to be.
 */
export function downloadName(fileName: string, type: FileType): string {
  return declaredType(fileName) === type ? fileName : `${fileName}.${type}`;
}

/** A guess at what a file really is, for a helpful rejection message. */
function looksLike(leading: Uint8Array): string | null {
  if (startsWith(leading, [0x89, 0x50, 0x4e, 0x47])) return 'PNG图片';
  if (startsWith(leading, [0xff, 0xd8, 0xff])) return 'JPEG图片';
  if (startsWith(leading, [0x47, 0x49, 0x46, 0x38])) return 'GIF图片';
  if (startsWith(leading, [0x52, 0x61, 0x72, 0x21])) return 'RAR压缩包';
  const sniffed = sniffType(leading);
  if (sniffed === 'pdf') return 'PDF文件';
  if (sniffed === 'zip') return 'ZIP格式文件（如DOCX、XLSX、OFD或压缩包）';
  if (sniffed === 'ole') return 'OLE格式文件（如DOC、WPS、XLS）';
  return null;
}

export const typeList = (types: readonly FileType[]) => types.map((t) => TYPE_LABEL[t]).join('、');

/**
 * Whether the first bytes of a file fit its declared type, and the type is allowed.
 * The reason (Chinese) says what is wrong and how to fix it.
 */
export function checkContent(
  leading: Uint8Array,
  declared: FileType | null,
  allowed: readonly FileType[],
): { ok: true } | { ok: false; reason: string } {
  if (!declared || !allowed.includes(declared)) {
    return {
      ok: false,
      reason: `文件类型不在允许范围内，本事项仅接受${typeList(allowed)}格式，请转换格式后重新报送`,
    };
  }
  const label = TYPE_LABEL[declared];
  if (leading.length === 0) {
    return { ok: false, reason: '文件为空（0字节），请检查文件是否完整后重新报送' };
  }
  if (sniffType(leading) !== CONTAINER_OF[declared]) {
    const actual = looksLike(leading);
    return {
      ok: false,
      reason:
        `文件内容不是${label}格式（文件头不符${actual ? `，实际为${actual}` : ''}），` +
        `请上传真实的${label}文件后重新报送，不要仅修改文件扩展名`,
    };
  }
  return { ok: true };
}

/** C0 and C1 controls, DEL; bidirectional embeddings/overrides/isolates and LRM/RLM marks. */
function isUnsafeChar(c: number): boolean {
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}
const MAX_NAME = 120;

/**
 * A file name safe to store and show: base name only, no control or bidi-override characters,
 * trimmed, at most 120 characters (the extension kept), 'unnamed' when nothing is left.
 */
export function cleanFileName(name: string): string {
  const cleaned = Array.from(name)
    .filter((ch) => !isUnsafeChar(ch.codePointAt(0)!))
    .join('');
  const base = cleaned.slice(Math.max(cleaned.lastIndexOf('/'), cleaned.lastIndexOf('\\')) + 1).trim();
  if (base === '' || base === '.' || base === '..') return 'unnamed';
  const chars = Array.from(base); // by code point: never split a surrogate pair
  if (chars.length <= MAX_NAME) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(base.slice(dot)) : [];
  const keepExt = ext.length > 1 && ext.length <= 16 ? ext : [];
  const stem = chars
    .slice(0, MAX_NAME - keepExt.length)
    .join('')
    .trimEnd();
  return stem + keepExt.join('');
}
