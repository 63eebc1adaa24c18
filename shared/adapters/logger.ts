// One JSON logger (Powertools) behind a redacting facade: no email address or phone number
// reaches a log line, whatever a caller passes in.
import { Logger } from '@aws-lambda-powertools/logger';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d{7,15}|(?<!\d)1[3-9]\d{9}(?!\d)/g;

export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

const pt = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'baosong' });

type Extra = Record<string, unknown>;
export const logger = {
  debug: (msg: string, extra: Extra = {}) => pt.debug(redact(msg) as string, redact(extra) as Extra),
  info: (msg: string, extra: Extra = {}) => pt.info(redact(msg) as string, redact(extra) as Extra),
  warn: (msg: string, extra: Extra = {}) => pt.warn(redact(msg) as string, redact(extra) as Extra),
  error: (msg: string, extra: Extra = {}) => pt.error(redact(msg) as string, redact(extra) as Extra),
};

/** The local runtime keeps its terminal quiet unless asked (POWERTOOLS_LOG_LEVEL wins). */
export const setLogLevel = (level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT') => pt.setLogLevel(level);
