// An in-process queue with SQS's rules, the one stand-in both local pipelines use (uploads: S3
// events → the receipt handler; notify: notifications → the sender handler).
//
// - Batches of up to BATCH_SIZE messages go to `consume` as SQS events, one batch at a time.
// - A message the consumer reports failed (`batchItemFailures`) or in a batch that throws is
//   received again after the delay `retry` chooses, or handed over to the caller ('taken'; it
//   comes back through `requeue`); after `maxReceives` receives it goes to `deadLetters` instead.
// - `postpone(receiptHandle, note)` is ChangeMessageVisibility: the note reaches `retry` when
//   that message next fails.
// - `idle()` resolves when nothing is ready, waiting for a delay, or in flight; `close()` drops
//   the queued work, clears the timers and waits for the batch in flight.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './standins';
import { redact } from '../../shared/adapters/logger';

export const MAX_RECEIVES = 5;
export const BATCH_SIZE = 10;

/** A queued message, as the queue keeps it. */
export type QueuedMessage = { messageId: string; body: string; receives: number; sentAt: number };

/** What becomes of a failed message with receives left: retried after `delayMs`, or taken by the caller. */
export type Retry = { delayMs: number } | 'taken';

export type LocalQueueOptions<Note> = {
  /** Names the queue in logs and in the records' eventSourceARN (`baosong-<name>`). */
  name: string;
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** The retry policy; `note` is what `postpone` recorded for the message, if anything. */
  retry: (m: QueuedMessage, note: Note | undefined) => Retry;
  maxReceives?: number;
};

export type LocalQueue<Note = never> = {
  /** Messages that failed `maxReceives` times. */
  deadLetters: QueuedMessage[];
  readonly closed: boolean;
  /** Queues the bodies (after `delayMs`, if any); returns them, or [] once the queue is closed. */
  send(bodies: string[], opts?: { delayMs?: number }): QueuedMessage[];
  /** Puts messages taken by the retry policy back in line. */
  requeue(messages: QueuedMessage[]): void;
  /** Records a note for a received message, handed to the retry policy if it fails. */
  postpone(receiptHandle: string, note: Note): void;
  /** Resolves when nothing is ready, waiting for a delay, or in flight. */
  idle(): Promise<void>;
  /** Stops taking new work and waits for the work in flight. */
  close(): Promise<void>;
};

function sqsRecord(m: QueuedMessage, arn: string): SQSRecord {
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
    eventSourceARN: arn,
    awsRegion: LOCAL_REGION,
  };
}

export function startLocalQueue<Note = never>(opts: LocalQueueOptions<Note>): LocalQueue<Note> {
  const { name, consume, retry, maxReceives = MAX_RECEIVES } = opts;
  const arn = `arn:aws:sqs:${LOCAL_REGION}:000000000000:baosong-${name}`;
  const ready: QueuedMessage[] = [];
  const deadLetters: QueuedMessage[] = [];
  const notes = new Map<string, Note>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let waiting = 0; // deliveries sleeping before a retry or a delayed send
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const checkIdle = () => {
    if (ready.length || inFlight || waiting) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };
  const later = (ms: number, f: () => void) => {
    waiting++;
    const t = setTimeout(() => {
      timers.delete(t);
      waiting--;
      f();
      pump();
    }, ms);
    timers.add(t);
  };
  const failed = (m: QueuedMessage) => {
    const note = notes.get(m.messageId);
    notes.delete(m.messageId);
    if (m.receives >= maxReceives) {
      deadLetters.push(m);
      console.error(`${name} queue: message ${m.messageId} dead-lettered after ${m.receives} receives`);
      return;
    }
    const r = retry(m, note);
    if (r !== 'taken') later(r.delayMs, () => ready.push(m));
  };
  const pump = () => {
    if (closed || inFlight > 0 || ready.length === 0) return checkIdle();
    const batch = ready.splice(0, BATCH_SIZE);
    for (const m of batch) m.receives++;
    inFlight++;
    consume({ Records: batch.map((m) => sqsRecord(m, arn)) })
      .then((r) => {
        const ids = new Set((r?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        for (const m of batch) if (ids.has(m.messageId)) failed(m);
      })
      .catch((err) => {
        console.error(
          `${name} queue: batch failed`,
          redact(err instanceof Error ? err.message : String(err)),
        );
        for (const m of batch) failed(m);
      })
      .finally(() => {
        inFlight--;
        pump();
      });
  };

  return {
    deadLetters,
    get closed() {
      return closed;
    },
    send(bodies, { delayMs = 0 } = {}) {
      if (closed) return [];
      const msgs = bodies.map((body) => ({ messageId: randomUUID(), body, receives: 0, sentAt: Date.now() }));
      if (delayMs > 0) later(delayMs, () => ready.push(...msgs));
      else ready.push(...msgs);
      // Not at once: let the sender finish (e.g. s3rver the request that raised the event).
      setImmediate(pump);
      return msgs;
    },
    requeue(messages) {
      if (messages.length === 0) return;
      ready.push(...messages);
      setImmediate(pump);
    },
    postpone(receiptHandle, note) {
      notes.set(receiptHandle, note);
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        setImmediate(pump); // pump ends in checkIdle when there is nothing to start
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
