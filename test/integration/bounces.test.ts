// The bounces handler on DynamoDB Local: SES bounce and complaint events (as EventBridge puts them
// on the bounces queue) mark the contact address bouncing on its unit, audited by role, never
// logging or auditing the address; replays, soft bounces and unknown addresses change nothing;
// replacing the unit keeps the mark only while the unit still lists that address.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { handler } from '../../functions/bounces/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { putUnit } from '../../shared/app/admin';
import { bouncingReason } from '../../shared/app/bounces';
import type { Principal, Unit } from '../../shared/domain/model';
import { setLogLevel } from '../../shared/adapters/logger';

const endpoints = inject('endpoints');
const ddb = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const office: Principal = { role: 'office', sub: 'tester' };
const context = { functionName: 'bounces', awsRequestId: 'test' } as Context;
const sample = JSON.parse(
  readFileSync(new URL('../../events/sqs-ses-bounce.json', import.meta.url), 'utf8'),
) as SQSEvent;
const LIAISON = 'liaison@chengguan.example.gov.cn';
const LEADER = 'leader@chengguan.example.gov.cn';

const unit = (contacts: Unit['contacts']): Unit => ({
  unitId: 'chengguan-town',
  name: '城关镇',
  kind: 'town',
  tags: [],
  active: true,
  contacts,
});

async function setup() {
  const table = `bounces-${randomBytes(4).toString('hex')}`;
  await createTable(ddb, table);
  const store = new DynamoStore(ddb, table);
  const clock = new SettableClock();
  clock.set(new Date('2026-07-03T09:00:00+08:00'));
  setDeps({ store, clock });
  await putUnit(
    store,
    office,
    unit([
      { role: 'liaison', name: '张三', email: LIAISON, phone: '+8613800000001' },
      { role: 'leader', name: '李四', email: LEADER },
    ]),
    clock.now(),
  );
  return { store, clock };
}

type Recipients = Array<{ emailAddress: string }>;
type Detail = {
  eventType: string;
  bounce?: { bounceType: string; bouncedRecipients: Recipients };
  complaint?: { complainedRecipients: Recipients; complaintFeedbackType?: string };
  mail: { tags: Record<string, string[]> };
};

/** The sample event with its SES detail changed by `edit`. */
function event(edit: (detail: Detail, ev: Record<string, unknown>) => void = () => {}): SQSEvent {
  const record = structuredClone(sample.Records[0]!);
  const ev = JSON.parse(record.body);
  edit(ev.detail, ev);
  record.body = JSON.stringify(ev);
  return { Records: [record] };
}

beforeAll(() => setLogLevel('SILENT'));
afterEach(() => setDeps(undefined));

describe('bounces handler', () => {
  it('a hard bounce marks that address on its unit, audits the role, and the sender would skip it', async () => {
    const { store } = await setup();
    expect((await handler(sample, context)).batchItemFailures).toEqual([]);
    const u = await store.getUnit('chengguan-town');
    expect(u?.bouncing).toEqual([{ email: LIAISON, type: 'bounce', at: '2026-07-03T01:00:06.000Z' }]);
    expect(bouncingReason(u, LIAISON.toUpperCase())).toMatch(/^address bounces since/);
    expect(bouncingReason(u, LEADER)).toBeUndefined();
    const trail = (await store.auditOf('chengguan-town', 2026)).items.filter(
      (e) => e.action === 'contact-bouncing',
    );
    expect(trail).toHaveLength(1);
    expect(trail[0]?.detail).toEqual({ type: 'bounce', roles: ['liaison'] });
    expect(JSON.stringify(trail)).not.toContain('@');
  });

  it('a replayed event changes nothing and audits nothing more', async () => {
    const { store } = await setup();
    await handler(sample, context);
    await handler(sample, context);
    expect((await store.getUnit('chengguan-town'))?.bouncing).toHaveLength(1);
    const trail = (await store.auditOf('chengguan-town', 2026)).items.filter(
      (e) => e.action === 'contact-bouncing',
    );
    expect(trail).toHaveLength(1);
  });

  it('a complaint marks the address as complained', async () => {
    const { store } = await setup();
    await handler(
      event((d, ev) => {
        ev['detail-type'] = 'Email Complaint Received';
        d.eventType = 'Complaint';
        delete d.bounce;
        d.complaint = { complainedRecipients: [{ emailAddress: LEADER }], complaintFeedbackType: 'abuse' };
      }),
      context,
    );
    const u = await store.getUnit('chengguan-town');
    expect(u?.bouncing).toEqual([expect.objectContaining({ email: LEADER, type: 'complaint' })]);
    expect(bouncingReason(u, LEADER)).toMatch(/complained/);
  });

  it('a soft bounce, an address the unit does not list, an untagged (office) email, a foreign shape: nothing marked', async () => {
    const { store } = await setup();
    const events = [
      event((d) => {
        if (d.bounce) d.bounce.bounceType = 'Transient';
      }),
      event((d) => {
        if (d.bounce) d.bounce.bouncedRecipients = [{ emailAddress: 'someone-else@example.gov.cn' }];
      }),
      event((d) => {
        delete d.mail.tags.unitId;
      }),
      event((d) => {
        d.mail.tags.unitId = ['no-such-unit'];
      }),
      { Records: [{ ...sample.Records[0]!, body: JSON.stringify({ hello: 'world' }) }] },
    ];
    for (const e of events) expect((await handler(e as SQSEvent, context)).batchItemFailures).toEqual([]);
    expect((await store.getUnit('chengguan-town'))?.bouncing).toBeUndefined();
  });

  it('no address reaches a log line', async () => {
    await setup();
    const lines: string[] = [];
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => {
        lines.push(String(c));
        return true;
      }),
      vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' '))),
      vi.spyOn(console, 'info').mockImplementation((...a: unknown[]) => void lines.push(a.join(' '))),
    ];
    setLogLevel('INFO');
    try {
      await handler(sample, context);
    } finally {
      setLogLevel('SILENT');
      for (const s of spies) s.mockRestore();
    }
    expect(lines.join('\n')).toContain('bounce event recorded');
    expect(lines.join('\n')).not.toContain('@');
  });

  it('the mark lasts until the contact changes: replacing the unit keeps it only while the address is listed', async () => {
    const { store, clock } = await setup();
    await handler(sample, context);
    const keep = unit([
      { role: 'liaison', name: '张三', email: LIAISON },
      { role: 'leader', name: '李四', email: LEADER },
    ]);
    await putUnit(store, office, keep, clock.now());
    expect((await store.getUnit('chengguan-town'))?.bouncing).toHaveLength(1);
    await putUnit(
      store,
      office,
      unit([
        { role: 'liaison', name: '王五', email: 'new-liaison@chengguan.example.gov.cn' },
        { role: 'leader', name: '李四', email: LEADER },
      ]),
      clock.now(),
    );
    expect((await store.getUnit('chengguan-town'))?.bouncing).toBeUndefined();
  });
});
