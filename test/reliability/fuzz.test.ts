// `npm run test:reliability` — fuzzing the HTTP API of the local runtime (`npm start`'s, on the
// stand-ins): fast-check sends FUZZ_RUNS (default 10,000) hostile requests across every route of
// the route table. Never a 5xx; every error in the SPEC's shape with the status its code names;
// the table byte-for-byte unchanged by every rejected request (and by every GET). Everything the
// handlers log during the run is captured and must hold no email address, phone number or
// contact name. Seeded (FUZZ_SEED): a failure replays exactly.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyPipeline } from '../../infra/local/notify-pipeline';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { setLogLevel } from '../../shared/adapters/logger';
import { ERROR_STATUS, type FuzzRequest, type Known, requestArb } from '../support/fuzz';
import { devToken, request, setClock, tableSnapshot } from '../support/local-http';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 11_2026);

const OWN = 'fz-town';
const OTHER = 'fz-dept';
const CONTACTS = {
  [OWN]: [
    { role: 'liaison', name: '欧阳联络', email: 'liaison.fz@town.example.gov.cn', phone: '+8613911112222' },
    { role: 'leader', name: '司马负责', email: 'leader.fz@town.example.gov.cn', phone: '+8613933334444' },
  ],
  [OTHER]: [{ role: 'liaison', name: '诸葛联络', email: 'dept.fz@example.gov.cn', phone: '+8613955556666' }],
};

let rt: LocalRuntime;
const tokens: Record<string, string | undefined> = {};
const known: Known = { ownUnit: OWN, otherUnit: OTHER, submissionId: '' };

// Everything written to stdout/stderr or the console while the runtime runs (the handlers' JSON
// logs: Powertools writes through the console in dev mode, through process.stdout otherwise).
let captured = '';
const realWrite = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const realConsole = Object.fromEntries(METHODS.map((m) => [m, console[m]]));
function capture() {
  const grab = (chunk: unknown) => {
    captured += `${typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')}\n`;
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  for (const m of METHODS)
    console[m] = (...args: unknown[]) =>
      void grab(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
}
function release() {
  process.stdout.write = realWrite.out;
  process.stderr.write = realWrite.err;
  for (const m of METHODS) console[m] = realConsole[m]!;
}

beforeAll(async () => {
  setLogLevel('INFO'); // as deployed (infra/stack.ts)
  capture();
  rt = await startLocal({ plugins, quiet: true, demoUnits: false });
  await setClock(rt, '2026-06-01T10:00:00+08:00');
  tokens.office = await devToken(rt, { role: 'office' });
  for (const [unitId, contacts] of Object.entries(CONTACTS)) {
    const put = await request(rt, `/v1/units/${unitId}`, {
      method: 'PUT',
      token: tokens.office,
      body: { name: `模糊测试${unitId}`, kind: 'town', tags: ['law-enforcement'], contacts },
    });
    expect(put.status).toBe(201);
  }
  tokens.own = await devToken(rt, { role: 'unit', unitId: OWN });
  tokens.other = await devToken(rt, { role: 'unit', unitId: OTHER });
  tokens.garbage = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const up = await request(rt, '/v1/uploads', {
    method: 'POST',
    token: tokens.own,
    body: {
      obligationId: 'annual-summary',
      period: '2026',
      fileName: '总结.pdf',
      contentType: 'application/pdf',
      size: 10,
    },
  });
  expect(up.status).toBe(201);
  known.submissionId = up.body.submissionId;
  // A sweep fills the trail with notices (addresses and numbers in the table, never in the logs).
  expect(
    (await request(rt, '/dev/sweep', { method: 'POST', body: { at: '2026-06-01T09:00:00+08:00' } })).status,
  ).toBe(200);
}, 180_000);

afterAll(async () => {
  await rt?.stop();
  release();
}, 60_000);

/** A table snapshot without the kept year score cards (PK `SCORES#<yyyy>`) and their year markers. */
const withoutScoreCards = (snapshot: string) =>
  JSON.stringify(
    (JSON.parse(snapshot) as Array<{ PK?: { S?: string }; SK?: { S?: string } }>).filter(
      (i) => !i.PK?.S?.startsWith('SCORES#') && !i.SK?.S?.startsWith('MARKER#scores-kept#'),
    ),
  );

describe('fuzzing the HTTP API', () => {
  const statuses = new Map<number, number>();
  let requests = 0;
  const ms = { request: 0, check: 0 };

  it(
    `${RUNS} hostile requests: no 5xx, the SPEC's error shape, rejected requests change nothing`,
    async () => {
      const started = Date.now();
      let baseline = await tableSnapshot(rt);
      const send = async (req: FuzzRequest) => {
        requests++;
        const t0 = Date.now();
        const token = req.caller === 'none' ? undefined : tokens[req.caller];
        const r = await request(rt, req.path, {
          method: req.method,
          rawBody: req.body,
          token,
          headers: req.headers,
        });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const t1 = Date.now();
        ms.request += t1 - t0;
        const what = `${req.method} ${req.path.slice(0, 200)} as ${req.caller} → ${r.status} ${r.text.slice(0, 300)}`;
        expect(r.status, what).toBeLessThan(500);
        if (r.status >= 400) {
          expect(r.body?.error, what).toBeTypeOf('object');
          const { code, message, details, ...rest } = r.body.error;
          expect(rest, what).toEqual({});
          expect(ERROR_STATUS[code], what).toContain(r.status);
          expect(message, what).toBeTypeOf('string');
          if (details !== undefined) {
            expect(Array.isArray(details) && details.length > 0, what).toBe(true);
            for (const d of details) expect(Object.keys(d).sort(), what).toEqual(['field', 'message']);
          }
          if (r.status === 429) expect(Number(r.headers.get('retry-after')), what).toBeGreaterThan(0);
        }
        if (r.status >= 400) {
          expect(await tableSnapshot(rt), `${what}: the table changed`).toBe(baseline);
        } else if (req.method === 'GET') {
          // A read changes no record. It may fill in the assessment's kept year score cards (a
          // cache derived from the slots, issue 12: the first read of a year fills in cards for
          // slots written before, and marks the year `scores-kept#<yyyy>`): those are left out of
          // this comparison, then taken as they are.
          const now = await tableSnapshot(rt);
          expect(withoutScoreCards(now), `${what}: the table changed`).toBe(withoutScoreCards(baseline));
          baseline = now;
        } else {
          await notifyPipeline(rt).drain(); // what a chase queued is sent before the next baseline
          baseline = await tableSnapshot(rt);
        }
        ms.check += Date.now() - t1;
      };
      await fc.assert(fc.asyncProperty(requestArb(known), send), {
        numRuns: RUNS,
        seed: SEED,
        endOnFailure: true,
      });
      const seconds = (Date.now() - started) / 1000;
      const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
      realWrite.out(
        `\nfuzz: ${requests} requests in ${seconds.toFixed(0)} s, seed ${SEED}, statuses ${JSON.stringify(byStatus)}; ms in requests ${ms.request}, in table checks ${ms.check}\n`,
      );
      expect(requests).toBeGreaterThanOrEqual(RUNS);
      // The run reached deep: successes and each kind of refusal occurred.
      for (const s of [200, 400, 401, 403, 404])
        expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    },
    60 * 60_000,
  );

  it('the captured logs hold no email address, phone number or contact name', () => {
    const lines = captured.split('\n').filter(Boolean);
    // Not vacuous: the request log lines of the run are there.
    expect(lines.filter((l) => l.includes('"route"')).length).toBeGreaterThanOrEqual(
      Math.min(requests, RUNS) / 2,
    );
    const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
    const PHONE = /\+\d{7,15}|(?<!\d)1[3-9]\d{9}(?!\d)/;
    const names = Object.values(CONTACTS).flatMap((cs) => cs.map((c) => c.name));
    const leaks = lines.filter((l) => EMAIL.test(l) || PHONE.test(l) || names.some((n) => l.includes(n)));
    realWrite.out(`logs: ${lines.length} lines scanned, ${leaks.length} with an address, number or name\n`);
    expect(leaks.slice(0, 5)).toEqual([]);
  });
});
