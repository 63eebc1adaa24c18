// The local uploads pipeline: s3rver's object-created events → an in-process queue with SQS's
// semantics → the very receipt handler (functions/receipt/handler.ts), as S3 → SQS → Lambda on AWS.
//
// - Only `ObjectCreated:*` events under `submissions/` of the uploads bucket are queued (the
//   stack's bucket notification has the same filter).
// - Batches of up to 10 messages; a message the handler reports failed (partial batch response)
//   or a batch that throws is retried after a short delay, up to 5 receives, then goes to a
//   dead-letter list — as the stack's queue with `maxReceiveCount: 5` and its DLQ (the queue is
//   ./local-queue.ts, shared with the notify pipeline).
// - Receipt time: the handler takes it from the record's `eventTime`. When `/dev/clock` is set,
//   this pipeline rewrites `eventTime` to the clock's time as the event arrives, so "with the
//   clock set, an upload's receipt time is the clock's time" (SPEC §6) holds without any
//   local-only branch in the handler or the use case.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as receipt } from '../../functions/receipt/handler';
import type { SettableClock } from '../../shared/adapters/clock';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import type { ListedObject } from '../../shared/app/ports';
import { SUBMISSIONS_PREFIX } from '../../shared/app/submissions';
import { type QueuedMessage, startLocalQueue } from './local-queue';
import { BUCKET, type LocalRuntime } from './server';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type S3Event } from './standins';

export { BATCH_SIZE, MAX_RECEIVES } from './local-queue';
const RETRY_DELAY_MS = 200;

export type UploadsQueue = {
  /** Resolves when nothing is queued, waiting for a retry, or in flight. */
  idle(): Promise<void>;
  /** Messages that failed MAX_RECEIVES times. */
  deadLetters: QueuedMessage[];
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

/** A queue that hands batches to `consume` with SQS's retry and dead-letter rules. */
export function startUploadsQueue(
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
): UploadsQueue & {
  send(body: string): void;
} {
  const queue = startLocalQueue({
    name: 'uploads',
    consume,
    retry: (m) => ({ delayMs: RETRY_DELAY_MS * m.receives }),
  });
  return {
    deadLetters: queue.deadLetters,
    send: (body) => void queue.send([body]),
    idle: () => queue.idle(),
    close: () => queue.close(),
  };
}

/**
 * The bucket as the local runtime wires it. With `/dev/clock` set, a listed object's creation time
 * is the clock's time, as this pipeline stamps the events (so the reconciliation, which takes the
 * receipt time from the listing, records what the lost event would have: SPEC §6).
 */
export class LocalObjectStore extends S3ObjectStore {
  constructor(
    client: ConstructorParameters<typeof S3ObjectStore>[0],
    bucket: string,
    private readonly clock: SettableClock,
  ) {
    super(client, bucket);
  }
  override async *listObjects(prefix: string): AsyncIterable<ListedObject> {
    for await (const o of super.listObjects(prefix))
      yield this.clock.isSet ? { ...o, lastModified: this.clock.now() } : o;
  }
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
  rt.deps.objects = new LocalObjectStore(client, BUCKET, rt.clock);

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
