// A minimal SQS stand-in for tests (AWS JSON 1.0, the protocol @aws-sdk/client-sqs speaks): enough
// for what the functions send — SendMessage(Batch) and ChangeMessageVisibility — so the real
// SqsQueue adapter and SDK client stay in the path. It keeps what was sent; it does not deliver.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SentMessage = { queueUrl: string; body: string; delaySeconds?: number };
export type SqsServer = {
  endpoint: string;
  /** A queue URL on this server (any path is accepted as a queue). */
  queueUrl(name: string): string;
  sent: SentMessage[];
  visibilityChanges: Array<{ queueUrl: string; receiptHandle: string; seconds: number }>;
  close(): Promise<void>;
};

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

type Entry = { Id: string; MessageBody: string; DelaySeconds?: number };

export async function startSqsServer(): Promise<SqsServer> {
  const sent: SentMessage[] = [];
  const visibilityChanges: SqsServer['visibilityChanges'] = [];
  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const input = JSON.parse((await read(req)) || '{}') as Record<string, unknown>;
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(text);
    };
    const queueUrl = String(input.QueueUrl ?? '');
    switch (target) {
      case 'SendMessage': {
        const body = String(input.MessageBody);
        sent.push({ queueUrl, body, delaySeconds: input.DelaySeconds as number | undefined });
        return reply(200, { MessageId: randomUUID(), MD5OfMessageBody: md5(body) });
      }
      case 'SendMessageBatch': {
        const entries = input.Entries as Entry[];
        for (const e of entries) sent.push({ queueUrl, body: e.MessageBody, delaySeconds: e.DelaySeconds });
        return reply(200, {
          Successful: entries.map((e) => ({
            Id: e.Id,
            MessageId: randomUUID(),
            MD5OfMessageBody: md5(e.MessageBody),
          })),
          Failed: [],
        });
      }
      case 'ChangeMessageVisibility':
        visibilityChanges.push({
          queueUrl,
          receiptHandle: String(input.ReceiptHandle),
          seconds: Number(input.VisibilityTimeout),
        });
        return reply(200, {});
      default:
        return reply(400, {
          __type: 'com.amazonaws.sqs#UnsupportedOperation',
          message: `not in the stand-in: ${target}`,
        });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/000000000000/${name}`,
    sent,
    visibilityChanges,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
