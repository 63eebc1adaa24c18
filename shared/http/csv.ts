// CSV that Excel opens with the Chinese intact: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting.
import { HttpResponse } from './router';

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export const csvResponse = (fileName: string, text: string) =>
  new HttpResponse(200, text, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${encodeURIComponent(fileName)}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });

/** `format=csv` or `Accept: text/csv`. */
export const wantsCsv = (format: string | undefined, headers: Record<string, string | undefined>) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/.test(headers.accept ?? ''));
