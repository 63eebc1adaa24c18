// The local slot-opening queue: jobs → an in-process queue with SQS's rules → the very opener
// handler (functions/opener/handler.ts), as SQS → Lambda on AWS. request() waits until the queue
// is drained, so locally a PUT unit, a PUT obligation or /dev/sweep answers with the slots
// already open (on AWS the opener runs them within seconds of the answer).
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as opener } from '../../functions/opener/handler';
import type { SlotOpener } from '../../shared/app/ports';
import { type QueuedMessage, startLocalQueue } from './local-queue';

const RETRY_DELAY_MS = 100;

export type OpeningQueue = SlotOpener & { deadLetters: QueuedMessage[]; close(): Promise<void> };

export function startOpeningQueue(): OpeningQueue {
  const context = { functionName: 'opener', awsRequestId: 'local' } as Context;
  const queue = startLocalQueue({
    name: 'open-slots',
    consume: (event: SQSEvent) => opener(event, context) as Promise<SQSBatchResponse>,
    retry: (m) => ({ delayMs: RETRY_DELAY_MS * m.receives }),
  });
  return {
    deadLetters: queue.deadLetters,
    async request(jobs) {
      queue.send(jobs.map((j) => JSON.stringify(j)));
      await queue.idle();
    },
    close: () => queue.close(),
  };
}
