// Pacing: queued notifications through the sender handler (SQS batches of 10, SENDER_CONCURRENCY
// batches in flight as the stack's event source runs them) with the SES rate set to 50/s, sent to
// the SES stand-in. The batches run in this one process, so they share one pacer at the whole rate
// (env SENDER_CONCURRENCY=1: the rate is not divided among instances, as it is on Lambda).
// Every send's time is recorded: no one-second window may hold more than the rate, and the whole
// run should take N / rate (within 5 %).
import { randomBytes } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as sender } from '../../functions/sender/handler';
import { SENDER_CONCURRENCY } from '../../infra/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import type { Mailer, MessageQueue } from '../../shared/app/ports';
import { defaultSettings } from '../../shared/domain/defaults';
import { type BenchOptions, type Line, line } from './lib';
import { clientOf, dropTables, sharedStandIns } from './seed';

const RATE = 50;

/** The most sends in any half-open window [t, t + 1 s), t at each send. */
export function maxInOneSecond(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while (s[j]! <= s[i]! - 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function pacingBench(opts: BenchOptions): Promise<Line[]> {
  const N = opts.quick ? 500 : 2000;
  const standins = await sharedStandIns();
  const saved = process.env.SENDER_CONCURRENCY;
  let table = '';
  process.env.SENDER_CONCURRENCY = '1';
  try {
    const dynamodb = clientOf(standins.endpoints.dynamodb);
    table = `pacing-${randomBytes(3).toString('hex')}`;
    await createTable(dynamodb, table);
    const store = new DynamoStore(dynamodb, table);
    await store.write([{ type: 'putSettings', settings: { ...defaultSettings, sesRatePerSecond: RATE } }]);
    const ses = new SesMailer(
      new SESClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: standins.endpoints.ses,
      }),
    );
    const times: number[] = [];
    const mailer: Mailer = {
      async send(m) {
        times.push(performance.now());
        await ses.send(m);
      },
    };
    const queue: MessageQueue = { enqueue: async () => {} };
    setDeps({ store, clock: new SettableClock(), mailer, queue });
    const records = Array.from({ length: N }, (_, i) => ({
      messageId: `p-${i}`,
      receiptHandle: 'h',
      body: JSON.stringify({
        id: `bench:${table}:${i}`,
        channel: 'email',
        to: `u${i}@example.gov.cn`,
        subject: '报送提醒',
        text: '请按时报送。',
        unitId: `unit-${i % 100}`,
        kind: 'reminder',
      }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:0:notify',
      awsRegion: LOCAL_REGION,
    }));
    const context = { functionName: 'sender' } as Context;
    let failed = 0;
    const t0 = performance.now();
    let next = 0;
    const poller = async () => {
      while (next < records.length) {
        const event: SQSEvent = { Records: records.slice(next, next + 10) };
        next += 10;
        const r = (await sender(event, context)) as SQSBatchResponse;
        failed += r.batchItemFailures.length;
      }
    };
    await Promise.all(Array.from({ length: SENDER_CONCURRENCY }, poller));
    const seconds = (performance.now() - t0) / 1000;
    const ideal = N / RATE;
    const peak = maxInOneSecond(times);
    return [
      line({
        what: `pacing: most sends in any 1-s window (${N} emails, rate ${RATE}/s)`,
        measured: peak,
        unit: '',
        baseline: RATE,
        baselineWhat: 'SES rate',
        goal: '≤ 1.0×',
        met: peak <= RATE,
        note: `${times.length} sent, ${failed} batch item failures, ${SENDER_CONCURRENCY} batches in flight`,
      }),
      line({
        what: `pacing: total time for ${N} emails`,
        measured: seconds,
        unit: 's',
        baseline: ideal,
        baselineWhat: 'N / rate',
        goal: '0.95–1.05×',
        met: seconds >= 0.95 * ideal && seconds <= 1.05 * ideal && times.length === N,
      }),
    ];
  } finally {
    setDeps(undefined);
    if (saved === undefined) delete process.env.SENDER_CONCURRENCY;
    else process.env.SENDER_CONCURRENCY = saved;
    if (table) await dropTables(clientOf(standins.endpoints.dynamodb), [table]);
  }
}
