/**
 * A local stand-in for AWS End User Messaging SMS (PinpointSMSVoiceV2), speaking the
 * AWS JSON 1.0 protocol closely enough that the real `@aws-sdk/client-pinpoint-sms-voice-v2`
 * `SendTextMessageCommand` works against it (no signature is checked).
 *
 * - `POST /` with `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage` → 200 `{ MessageId }`.
 * - A `DestinationPhoneNumber` that is not E.164 (`^\+[1-9]\d{6,14}$`), or that starts with
 *   `+8610000` (a range reserved here as "invalid number" for tests), → 400 `ValidationException`.
 * - Test-only helpers, never part of AWS:
 *   - `GET /__messages` → `{ messages: [{ to, text, at, originationIdentity?, messageId }] }`
 *   - `POST /__clear` → empties the store (and resets faults)
 *   - `POST /__faults` `{ throttleRate: 0..1 }` → that fraction of sends fail with 400 `ThrottlingException`.
 *   - `startSmsServer({ down })`: while `down()` answers true, every connection is dropped (an outage).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const E164 = /^\+[1-9]\d{6,14}$/;
/** Destination numbers with this prefix are rejected as invalid (for tests of the failure path). */
export const INVALID_NUMBER_PREFIX = '+8610000';

export type SmsMessage = {
  to: string;
  text: string;
  at: string;
  messageId: string;
  originationIdentity?: string;
};

export type SmsServer = {
  endpoint: string;
  messages: SmsMessage[];
  close(): Promise<void>;
};

const TARGET_PREFIX = 'PinpointSMSVoiceV2.';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function awsError(res: ServerResponse, status: number, type: string, message: string, extra = {}): void {
  send(res, status, { __type: type, message, Message: message, ...extra }, { 'x-amzn-errortype': type });
}

export async function startSmsServer(
  opts: {
    port?: number;
    host?: string;
    /** An outage (fault tests): while it answers true, every connection is dropped unanswered. */
    down?: () => boolean;
  } = {},
): Promise<SmsServer> {
  const host = opts.host ?? '127.0.0.1';
  const messages: SmsMessage[] = [];
  let throttleRate = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);

    if (url.pathname === '/__messages' && req.method === 'GET') {
      send(res, 200, { messages }, { 'content-type': 'application/json' });
      return;
    }
    if (url.pathname === '/__clear' && req.method === 'POST') {
      messages.length = 0;
      throttleRate = 0;
      send(res, 200, { ok: true }, { 'content-type': 'application/json' });
      return;
    }
    if (url.pathname === '/__faults' && req.method === 'POST') {
      const body = raw ? (JSON.parse(raw) as { throttleRate?: unknown }) : {};
      const rate = Number(body.throttleRate ?? 0);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
        send(
          res,
          400,
          { error: 'throttleRate must be a number in [0, 1]' },
          { 'content-type': 'application/json' },
        );
        return;
      }
      throttleRate = rate;
      send(res, 200, { throttleRate }, { 'content-type': 'application/json' });
      return;
    }

    if (req.method !== 'POST' || url.pathname !== '/') {
      send(res, 404, { error: 'not found' }, { 'content-type': 'application/json' });
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX)) {
      awsError(res, 400, 'UnknownOperationException', `Missing or unknown X-Amz-Target: ${target}`);
      return;
    }
    const operation = target.slice(TARGET_PREFIX.length);
    if (operation !== 'SendTextMessage') {
      awsError(
        res,
        400,
        'UnknownOperationException',
        `Operation ${operation} is not supported by the local stand-in`,
      );
      return;
    }
    let input: { DestinationPhoneNumber?: unknown; MessageBody?: unknown; OriginationIdentity?: unknown };
    try {
      input = raw ? JSON.parse(raw) : {};
    } catch {
      awsError(res, 400, 'SerializationException', 'Request body is not valid JSON');
      return;
    }
    const to = input.DestinationPhoneNumber;
    if (typeof to !== 'string' || !E164.test(to) || to.startsWith(INVALID_NUMBER_PREFIX)) {
      awsError(res, 400, 'ValidationException', `Invalid destination phone number: ${String(to)}`, {
        Reason: 'INVALID_PARAMETER',
        Fields: [{ Name: 'DestinationPhoneNumber', Message: 'Invalid phone number' }],
      });
      return;
    }
    if (typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
      awsError(res, 400, 'ValidationException', 'MessageBody is required', { Reason: 'MISSING_PARAMETER' });
      return;
    }
    if (throttleRate > 0 && Math.random() < throttleRate) {
      awsError(res, 400, 'ThrottlingException', 'Rate exceeded (injected by the local stand-in)');
      return;
    }
    const messageId = randomUUID();
    messages.push({
      to,
      text: input.MessageBody,
      at: new Date().toISOString(),
      messageId,
      ...(typeof input.OriginationIdentity === 'string'
        ? { originationIdentity: input.OriginationIdentity }
        : {}),
    });
    send(res, 200, { MessageId: messageId });
  };

  const server: Server = createServer((req, res) => {
    if (opts.down?.()) {
      req.socket.destroy(); // the endpoint is down: no answer at all
      return;
    }
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) awsError(res, 500, 'InternalServerException', String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('SMS stand-in: no address');
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    messages,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
