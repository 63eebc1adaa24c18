// The local uploads pipeline: s3rver's object-created events → an in-process queue with SQS's
// semantics → the very receipt handler (functions/receipt/handler.ts), as S3 → SQS → Lambda on AWS.
//
// - Only `ObjectCreated:*` events under `submissions/` of the uploads bucket are queued (the
//   stack's bucket notification has the same filter).
// - Batches of up to 10 messages; a message the handler reports failed (partial batch response)
//   or a batch that throws is retried after a short delay, up to 5 receives, then goes to a
//   dead-letter list — as the stack's queue with `maxReceiveCount: 5` and its DLQ.
// - Receipt time: the handler takes it from the record's `eventTime`. When `/dev/clock` is set,
//   this pipeline rewrites `eventTime` to the clock's time as the event arrives, so "with the
//   clock set, an upload's receipt time is the clock's time" (SPEC §6) holds without any
//   local-only branch in the handler or the use case.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as receipt } from '../../functions/receipt/handler';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { SUBMISSIONS_PREFIX } from '../../shared/app/uploads';
import { BUCKET, type LocalRuntime } from './server';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type S3Event } from './standins';

export const MAX_RECEIVES = 5;
export const BATCH_SIZE = 10;
const RETRY_DELAY_MS = 200;

type Message = { messageId: string; body: string; receives: number; sentAt: number };

export type UploadsQueue = {
  /** Resolves when nothing is queued, waiting for a retry, or in flight. */
  idle(): Promise<void>;
  /** Messages that failed MAX_RECEIVES times. */
  deadLetters: Message[];
  /** Stops taking new work and waits for the work in flight. */
  close(): Promise<void>;
};

const queues = new WeakMap<LocalRuntime, UploadsQueue>();

/** The uploads queue of a runtime started with this plugin. */
export function uploadsQueue(rt: LocalRuntime): UploadsQueue {
  const q = queues.get(rt);
  if (!q) throw new Error('the uploads pipeline is not installed on this runtime');
  return q;
}

/** Waits until the runtime's uploads pipeline has drained. */
export const idle = (rt: LocalRuntime) => uploadsQueue(rt).idle();

function sqsRecord(m: Message): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.messageId,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receives),
      SentTimestamp: String(m.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(m.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:baosong-uploads`,
    awsRegion: LOCAL_REGION,
  };
}

/** A queue that hands batches to `consume` with SQS's retry and dead-letter rules. */
export function startUploadsQueue(
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
): UploadsQueue & {
  send(body: string): void;
} {
  const ready: Message[] = [];
  const deadLetters: Message[] = [];
  let inFlight = 0;
  let waiting = 0; // messages sleeping before a retry
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();

  const checkIdle = () => {
    if (ready.length === 0 && inFlight === 0 && waiting === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };

  const retryOrDeadLetter = (m: Message) => {
    if (m.receives >= MAX_RECEIVES) {
      deadLetters.push(m);
      console.error(`uploads queue: message ${m.messageId} dead-lettered after ${m.receives} receives`);
      return;
    }
    waiting++;
    const t = setTimeout(() => {
      timers.delete(t);
      waiting--;
      ready.push(m);
      pump();
    }, RETRY_DELAY_MS * m.receives);
    timers.add(t);
  };

  const pump = () => {
    if (closed || inFlight > 0 || ready.length === 0) return checkIdle();
    const batch = ready.splice(0, BATCH_SIZE);
    for (const m of batch) m.receives++;
    inFlight++;
    consume({ Records: batch.map(sqsRecord) })
      .then((r) => {
        const failed = new Set((r?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        for (const m of batch) if (failed.has(m.messageId)) retryOrDeadLetter(m);
      })
      .catch((err) => {
        console.error('uploads queue: batch failed', err instanceof Error ? err.message : err);
        for (const m of batch) retryOrDeadLetter(m);
      })
      .finally(() => {
        inFlight--;
        pump();
      });
  };

  return {
    deadLetters,
    send(body) {
      if (closed) return;
      ready.push({ messageId: randomUUID(), body, receives: 0, sentAt: Date.now() });
      // Let s3rver finish the request that raised the event before the handler reads the object.
      setImmediate(pump);
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        setImmediate(checkIdle);
      }),
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      waiting = 0;
      ready.length = 0;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      checkIdle();
    },
  };
}

type Rec = {
  eventName?: string;
  eventTime?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string } };
};

export async function uploadsPipeline(rt: LocalRuntime): Promise<void> {
  const client = makeS3Client({
    endpoint: rt.endpoints.s3,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  }
  rt.deps.objects = new S3ObjectStore(client, BUCKET);

  const context = { functionName: 'receipt', awsRequestId: 'local' } as Context;
  const queue = startUploadsQueue(async (event) => (await receipt(event, context)) as SQSBatchResponse);
  queues.set(rt, queue);

  rt.s3Listeners.push((e: S3Event) => {
    const records = (e.Records as Rec[]).filter(
      (r) =>
        r.eventName?.startsWith('ObjectCreated:') &&
        r.s3?.bucket?.name === BUCKET &&
        r.s3.object?.key?.startsWith(SUBMISSIONS_PREFIX),
    );
    if (records.length === 0) return;
    const at = rt.clock.isSet ? rt.clock.now().toISOString() : undefined;
    const body = { Records: records.map((r) => (at ? { ...r, eventTime: at } : r)) };
    queue.send(JSON.stringify(body));
  });
  rt.onStop.push(() => queue.close());
}
