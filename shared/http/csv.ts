// CSV that Excel opens with the Chinese intact: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting,
// and no cell that runs as a formula.
import type { Table } from '../app/reports';
import { HttpResponse } from './router';

/**
 * A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * first) is written as text: prefixed with `'` (CSV injection). Numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const cell = (v: unknown): string => {
  const raw = v === null || v === undefined ? '' : String(v);
  const s = typeof v !== 'number' && FORMULA_START.test(raw) ? `'${raw}` : raw;
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

/** A table of the app layer (shared/app/reports.ts) as a CSV download. */
export const tableResponse = (t: Table) => csvResponse(t.fileName, toCsv(t.header, t.rows));
