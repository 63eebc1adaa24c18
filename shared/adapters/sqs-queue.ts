// MessageQueue on SQS (and the slot-opening jobs' queue, SlotOpener): SendMessageBatch, up to 10 entries and 200 KB per call, the body is the
// OutgoingMessage JSON. postpone() is ChangeMessageVisibility (SMS quiet hours, back-off on throttling).
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MessageQueue, OpenSlotsJob, OutgoingMessage, SlotOpener } from '../app/ports';

const BATCH = 10;
/** A batch's bodies together stay under this (SQS: 256 KB for a message and for a whole batch). */
export const BATCH_BYTES = 200 * 1024;

/** Groups of at most BATCH messages whose bodies total at most BATCH_BYTES (a bigger one alone). */
export function batches(bodies: string[]): string[][] {
  const out: string[][] = [];
  let size = 0;
  for (const body of bodies) {
    const n = Buffer.byteLength(body, 'utf8');
    const last = out.at(-1);
    if (!last || last.length >= BATCH || size + n > BATCH_BYTES) {
      out.push([body]);
      size = n;
    } else {
      last.push(body);
      size += n;
    }
  }
  return out;
}
/** SQS caps a message's visibility timeout at 12 hours. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** https://sqs.<region>.amazonaws.com[.cn]/<account>/<name> from arn:<partition>:sqs:<region>:<account>:<name>. */
export function queueUrlOfArn(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  if (!partition || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  return `https://sqs.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}/${account}/${name}`;
}

/** SendMessageBatch of these bodies (batches()), resending entries SQS failed a few times. */
export async function sendBodies(
  client: SQSClient,
  queueUrl: string,
  bodies: string[],
  delaySeconds?: number,
): Promise<void> {
  for (const batch of batches(bodies)) {
    let entries: SendMessageBatchRequestEntry[] = batch.map((body, j) => ({
      Id: String(j),
      MessageBody: body,
      ...(delaySeconds !== undefined ? { DelaySeconds: delaySeconds } : {}),
    }));
    // A batch can partly fail (e.g. throttled entries): resend just those, a few times.
    for (let attempt = 0; entries.length > 0; attempt++) {
      const r = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((r.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) break;
      const senderFault = (r.Failed ?? []).find((f) => f.SenderFault);
      if (senderFault || attempt >= 4) {
        throw new Error(`SQS refused ${failed.size} message(s): ${(r.Failed ?? [])[0]?.Code ?? 'unknown'}`);
      }
      entries = entries.filter((e) => failed.has(e.Id));
      await new Promise((res) => setTimeout(res, 100 * 2 ** attempt));
    }
  }
}

/** The slot-opening jobs' queue (OPEN_SLOTS_QUEUE_URL): one message per job. */
export class SqsSlotOpener implements SlotOpener {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string | undefined,
  ) {}

  async request(jobs: OpenSlotsJob[]): Promise<void> {
    if (!this.queueUrl) throw new Error('OPEN_SLOTS_QUEUE_URL is not configured');
    await sendBodies(
      this.client,
      this.queueUrl,
      jobs.map((j) => JSON.stringify(j)),
    );
  }
}

export class SqsQueue implements MessageQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string | undefined,
  ) {}

  async enqueue(messages: OutgoingMessage[], opts: { delaySeconds?: number } = {}): Promise<void> {
    if (!this.queueUrl) throw new Error('NOTIFY_QUEUE_URL is not configured');
    const delay =
      opts.delaySeconds === undefined ? undefined : Math.max(0, Math.min(900, Math.round(opts.delaySeconds)));
    await sendBodies(
      this.client,
      this.queueUrl,
      messages.map((m) => JSON.stringify(m)),
      delay,
    );
  }

  async postpone(
    received: { receiptHandle: string; eventSourceARN?: string },
    seconds: number,
  ): Promise<void> {
    const url =
      this.queueUrl ?? (received.eventSourceARN ? queueUrlOfArn(received.eventSourceARN) : undefined);
    if (!url) throw new Error('no queue URL to change the message visibility on');
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: received.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds))),
      }),
    );
  }
}
