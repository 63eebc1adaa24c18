/**
 * vitest globalSetup: starts the local AWS stand-ins once per test run (in-memory DynamoDB,
 * temp-dir S3) and provides their endpoints to every test via `inject('endpoints')`.
 *
 * S3 events are raised in this process (s3rver lives here), so they are also queued on a
 * loopback HTTP endpoint, `endpoints.s3Events`: `GET /events?bucket=<name>[&waitMs=n]` drains
 * the events for that bucket (see infra/local/s3-event-queue.ts, `waitForS3Events`).
 * Test files name their own tables and buckets so they never collide.
 */
import type { TestProject } from 'vitest/node';
import { startS3EventQueue } from '../../infra/local/s3-event-queue.js';
import { type Endpoints, startStandIns } from '../../infra/local/standins.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: Endpoints;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const queue = await startS3EventQueue();
  let standIns: Awaited<ReturnType<typeof startStandIns>>;
  try {
    standIns = await startStandIns({ quiet: true, onS3Event: (e) => queue.push(e) });
  } catch (err) {
    await queue.close();
    throw err;
  }
  const endpoints: Endpoints = { ...standIns.endpoints, s3Events: queue.endpoint };
  provide('endpoints', endpoints);
  return async () => {
    await Promise.allSettled([standIns.stop(), queue.close()]);
  };
}
