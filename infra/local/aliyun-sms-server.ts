/**
 * A local stand-in for Alibaba Cloud SMS (Dysmsapi 2017-05-25), speaking its RPC protocol closely
 * enough that the official SDK (`@alicloud/dysmsapi20170525`, with `endpoint: '127.0.0.1:<port>',
 * protocol: 'http'`) works against it — and, as the service does, it verifies each request's
 * ACS3-HMAC-SHA256 signature (`authorization` header over the canonical request: method, path,
 * sorted query, the signed `x-acs-*`/host/content-type headers, the body's SHA-256).
 *
 * - `SendSms` (`x-acs-action`): `PhoneNumbers`, `SignName`, `TemplateCode`, `TemplateParam` (JSON).
 *   The stand-in knows the registered templates (`templates`: code → text) and the signature; it
 *   answers 200 `{ Code: 'OK', BizId, RequestId, Message }`, or 200 with the service's business
 *   codes: `isv.MOBILE_NUMBER_ILLEGAL` (not a number, or `+8610000…`-style numbers reserved here as
 *   invalid), `isv.MOBILE_IN_BLACK` (numbers starting `1340000`), `isv.SMS_TEMPLATE_ILLEGAL`,
 *   `isv.SMS_SIGNATURE_ILLEGAL`, `isv.TEMPLATE_MISSING_PARAMETERS`, `isv.BUSINESS_LIMIT_CONTROL`
 *   (injected, see below). A bad signature or unknown AccessKey is 400 `SignatureDoesNotMatch` /
 *   `InvalidAccessKeyId.NotFound`, as the service answers.
 * - Test-only helpers, never part of Alibaba's API: `GET /__messages`, `POST /__clear`,
 *   `POST /__faults { throttleNext: n }` (the next n sends answer isv.BUSINESS_LIMIT_CONTROL).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AliyunSmsMessage = {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  /** The text the handset would show: 【signature】 + the template with its parameters. */
  text: string;
  bizId: string;
  at: string;
};

export type AliyunSmsServer = {
  endpoint: string;
  /** `127.0.0.1:<port>`, as the SDK's `endpoint` option takes it. */
  host: string;
  messages: AliyunSmsMessage[];
  /** Signed requests refused (bad signature / unknown key). */
  refused: number;
  close(): Promise<void>;
};

const encode = (s: string) =>
  encodeURIComponent(s)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');

/** Verifies an ACS3-HMAC-SHA256 `authorization` header; null when it holds, else the reason. */
export function verifyAcs3(
  req: { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers'] },
  body: Buffer,
  secrets: Record<string, string>,
): string | null {
  const auth = String(req.headers.authorization ?? '');
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) return 'missing or malformed authorization';
  const [, keyId, signedList, signature] = m as unknown as [string, string, string, string];
  const secret = secrets[keyId];
  if (!secret) return 'InvalidAccessKeyId.NotFound';
  const signed = signedList.split(';');
  // Every x-acs-* header, host and content-type must be signed.
  for (const h of Object.keys(req.headers))
    if ((h.startsWith('x-acs-') || h === 'host' || h === 'content-type') && !signed.includes(h))
      return `header ${h} is not signed`;
  const payload = createHash('sha256').update(body).digest('hex');
  if (req.headers['x-acs-content-sha256'] !== payload) return 'x-acs-content-sha256 does not match the body';
  const keys = [...new Set(req.query.keys())].sort();
  const query = keys.map((k) => `${k}=${encode(req.query.get(k) ?? '')}`).join('&');
  const headers = signed.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('');
  const canonical = [req.method, req.path || '/', query, headers, signed.join(';'), payload].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(toSign).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : 'SignatureDoesNotMatch';
}

export async function startAliyunSmsServer(opts: {
  accessKeys: Record<string, string>;
  signName: string;
  /** Registered templates: code → text with ${var}. */
  templates: Record<string, string>;
}): Promise<AliyunSmsServer> {
  const messages: AliyunSmsMessage[] = [];
  let throttleNext = 0;
  let refused = 0;

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const answer = (res: ServerResponse, Code: string, Message: string, extra: object = {}) =>
    reply(res, 200, { RequestId: randomUUID(), Code, Message, ...extra });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);

    if (url.pathname === '/__messages') return reply(res, 200, { messages });
    if (url.pathname === '/__clear') {
      messages.length = 0;
      throttleNext = 0;
      return reply(res, 200, { ok: true });
    }
    if (url.pathname === '/__faults') {
      throttleNext = Number(
        (JSON.parse(body.toString() || '{}') as { throttleNext?: number }).throttleNext ?? 0,
      );
      return reply(res, 200, { throttleNext });
    }

    const problem = verifyAcs3(
      { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers },
      body,
      opts.accessKeys,
    );
    if (problem) {
      refused++;
      const code = problem === 'InvalidAccessKeyId.NotFound' ? problem : 'SignatureDoesNotMatch';
      return reply(res, 400, { RequestId: randomUUID(), Code: code, Message: problem });
    }
    if (req.headers['x-acs-action'] !== 'SendSms' || req.headers['x-acs-version'] !== '2017-05-25')
      return reply(res, 404, {
        RequestId: randomUUID(),
        Code: 'InvalidAction.NotFound',
        Message: 'unknown action',
      });

    // RPC style: the parameters are in the query (or a form body).
    const params = new URLSearchParams(url.search);
    if (body.length && String(req.headers['content-type']).includes('form'))
      for (const [k, v] of new URLSearchParams(body.toString())) params.set(k, v);
    const phone = params.get('PhoneNumbers') ?? '';
    const signName = params.get('SignName') ?? '';
    const code = params.get('TemplateCode') ?? '';
    if (!/^(\+?86|0086)?1[3-9]\d{9}$/.test(phone) || phone.startsWith('10000'))
      return answer(res, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (phone.replace(/^(\+?86|0086)/, '').startsWith('1340000'))
      return answer(res, 'isv.MOBILE_IN_BLACK', '手机号在黑名单');
    if (signName !== opts.signName) return answer(res, 'isv.SMS_SIGNATURE_ILLEGAL', '签名不合法');
    const template = opts.templates[code];
    if (!template) return answer(res, 'isv.SMS_TEMPLATE_ILLEGAL', '模板不合法');
    let values: Record<string, string>;
    try {
      values = JSON.parse(params.get('TemplateParam') ?? '{}') as Record<string, string>;
    } catch {
      return answer(res, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法');
    }
    const names = [...template.matchAll(/\$\{(\w+)\}/g)].map((x) => x[1]!);
    if (names.some((n) => typeof values[n] !== 'string' || values[n] === ''))
      return answer(res, 'isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量');
    if (throttleNext > 0) {
      throttleNext--;
      return answer(res, 'isv.BUSINESS_LIMIT_CONTROL', '业务限流');
    }
    const bizId = `${Date.now()}^${randomUUID().slice(0, 8)}`;
    messages.push({
      phoneNumbers: phone,
      signName,
      templateCode: code,
      params: values,
      text: `【${signName}】${template.replace(/\$\{(\w+)\}/g, (_, n: string) => values[n] ?? '')}`,
      bizId,
      at: new Date().toISOString(),
    });
    return answer(res, 'OK', 'OK', { BizId: bizId });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => reply(res, 500, { Code: 'isp.SYSTEM_ERROR', Message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    messages,
    get refused() {
      return refused;
    },
    close() {
      closed ??= new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
