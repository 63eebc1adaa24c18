// Structure, not only the first bytes (issue 11, defect 3): a file whose leading bytes fit its
// type must also be built like one, or a 15-byte `%PDF-` passes as a document.
// - PDF: `%%EOF` within its last 1,024 bytes (where readers look for it; ISO 32000 §7.5.5).
// - docx/xlsx/ofd: a zip whose end-of-central-directory record points at a central directory,
//   inside the file, that lists the type's marker entry (`[Content_Types].xml`, `OFD.xml`).
// - doc/wps: an OLE compound file (MS-CFB §2.2): a consistent header and room for its sectors.
// The receipt keeps the first LEADING_BYTES and the last TRAILING_BYTES of the object as it
// streams past; these checks read nothing else.
import type { FileType } from './model';
import { TYPE_LABEL } from './sniff';

/** Bytes kept from the start of an object: the OLE header is one 512-byte sector. */
export const LEADING_BYTES = 512;
/** Bytes kept from the end: a zip's end record (≤ 22 + 65,535) and its central directory. */
export const TRAILING_BYTES = 256 * 1024;
/** Where a PDF's `%%EOF` must be: within this many bytes of the end. */
export const PDF_EOF_WINDOW = 1024;

export type Structure = { ok: true } | { ok: false; reason: string };

const MARKER: Partial<Record<FileType, string>> = {
  docx: '[Content_Types].xml',
  xlsx: '[Content_Types].xml',
  ofd: 'OFD.xml',
};

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 2 ** 24;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

const bad = (reason: string): Structure => ({ ok: false, reason });
const damaged = (label: string, what: string) =>
  bad(`文件不是完整的${label}文件（${what}），可能只有文件头或已损坏，请重新导出或另存后再报送`);

function lastIndexOf(hay: Uint8Array, needle: number[], from = hay.length - needle.length): number {
  for (let i = Math.min(from, hay.length - needle.length); i >= 0; i--) {
    let j = 0;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function checkPdf(size: number, tail: Uint8Array): Structure {
  const window = tail.subarray(Math.max(0, tail.length - PDF_EOF_WINDOW));
  const EOF = [0x25, 0x25, 0x45, 0x4f, 0x46]; // %%EOF
  // "%PDF-" + at least one byte + "%%EOF": anything shorter cannot hold both.
  if (size < 11 || lastIndexOf(window, EOF) < 0) return damaged('PDF', '文件末尾没有 %%EOF 结束标记');
  return { ok: true };
}

/** The names in a zip's central directory, read from the object's last bytes; a string when broken. */
export function zipEntryNames(size: number, tail: Uint8Array): string[] | string {
  const tailStart = size - tail.length; // the object offset of tail[0]
  // End of central directory: the last PK\5\6 with room for its 22 bytes.
  const eocd = lastIndexOf(tail, [0x50, 0x4b, 0x05, 0x06], tail.length - 22);
  if (eocd < 0) return '找不到 ZIP 目录结束记录';
  let entries = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator (PK\6\7, 20 bytes) sits right before the end record.
    const loc = eocd - 20;
    if (loc < 0 || u32(tail, loc) !== 0x07064b50) return 'ZIP64 定位记录缺失';
    const rec = u64(tail, loc + 8) - tailStart;
    if (rec < 0 || rec + 56 > tail.length || u32(tail, rec) !== 0x06064b50) return 'ZIP64 目录结束记录缺失';
    entries = u64(tail, rec + 32);
    cdSize = u64(tail, rec + 40);
    cdOffset = u64(tail, rec + 48);
  }
  if (entries === 0) return 'ZIP 目录为空';
  if (cdOffset + cdSize > size) return 'ZIP 目录超出文件范围';
  let at = cdOffset - tailStart;
  if (at < 0) return 'ZIP 目录过大';
  const end = at + cdSize;
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < entries; i++) {
    if (at + 46 > end || u32(tail, at) !== 0x02014b50) return 'ZIP 目录条目损坏';
    const nameLen = u16(tail, at + 28);
    const next = at + 46 + nameLen + u16(tail, at + 30) + u16(tail, at + 32);
    if (next > end) return 'ZIP 目录条目损坏';
    names.push(decoder.decode(tail.subarray(at + 46, at + 46 + nameLen)));
    at = next;
  }
  return names;
}

function checkZip(type: FileType, label: string, size: number, tail: Uint8Array): Structure {
  const names = zipEntryNames(size, tail);
  if (typeof names === 'string') return damaged(label, names);
  const marker = MARKER[type]!;
  if (!names.includes(marker)) return damaged(label, `压缩包中没有 ${marker}`);
  return { ok: true };
}

const ENDOFCHAIN = 0xfffffffe;

function checkOle(label: string, size: number, head: Uint8Array): Structure {
  if (head.length < 512) return damaged(label, 'OLE 文件头不足 512 字节');
  const major = u16(head, 26);
  const sectorShift = u16(head, 30);
  if (u16(head, 28) !== 0xfffe) return damaged(label, 'OLE 字节序标记不符');
  if (!((major === 3 && sectorShift === 9) || (major === 4 && sectorShift === 12)))
    return damaged(label, 'OLE 版本与扇区大小不符');
  if (u16(head, 32) !== 6) return damaged(label, 'OLE 短扇区大小不符');
  const sector = 2 ** sectorShift;
  const fatSectors = u32(head, 44);
  const dirStart = u32(head, 48);
  const firstFat = u32(head, 76); // DIFAT[0]
  // Sectors after the header (which takes one whole sector in version 4).
  const sectors = Math.floor((size - sector) / sector);
  if (fatSectors < 1 || sectors < 2) return damaged(label, 'OLE 文件没有分配表或目录');
  if (firstFat >= sectors || dirStart === ENDOFCHAIN || dirStart >= sectors)
    return damaged(label, 'OLE 分配表或目录位置超出文件范围');
  return { ok: true };
}

/**
 * Whether a file whose leading bytes already fit `type` (sniff.ts) is built like one.
 * `head` is the object's first bytes (≥ LEADING_BYTES when it has them), `tail` its last bytes
 * (≤ TRAILING_BYTES; the whole file when smaller), `size` its length.
 */
export function checkStructure(type: FileType, size: number, head: Uint8Array, tail: Uint8Array): Structure {
  const label = TYPE_LABEL[type];
  switch (type) {
    case 'pdf':
      return checkPdf(size, tail);
    case 'docx':
    case 'xlsx':
    case 'ofd':
      return checkZip(type, label, size, tail);
    case 'doc':
    case 'wps':
      return checkOle(label, size, head);
  }
}
