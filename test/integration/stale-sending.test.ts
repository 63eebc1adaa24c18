// A 'sending' claim older than 15 minutes means the attempt died mid-send (issue 11's mutation
// pin): before that it is in flight (retried later, nothing sent); from then on it is recorded
// failed ("outcome unknown"), never sent a second time. On DynamoDB Local and the SES stand-in.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { deliver, InFlight, STALE_MS } from '../../shared/app/deliver';
import type { OutgoingMessage } from '../../shared/app/ports';
import { defaultSettings } from '../../shared/domain/defaults';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const tag = randomBytes(4).toString('hex');
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const store = new DynamoStore(ddb, `stale-${tag}`);
const mailer = new SesMailer(new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 }));
const to = `stale-${tag}@example.gov.cn`;
const msg: OutgoingMessage = {
  id: `reminder#${tag}`,
  channel: 'email',
  to,
  subject: '【报送提醒】',
  text: '请报送',
  unitId: 'town-a',
  kind: 'reminder',
  recipient: 'liaison',
};
const claimedAt = new Date('2026-07-03T09:00:00+08:00');

async function mailsTo(address: string) {
  const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] } }>;
  };
  return store.emails.filter((e) => e.destination.to.includes(address)).length;
}

beforeAll(async () => {
  await createTable(ddb, `stale-${tag}`);
  await store.write([{ type: 'putSettings', settings: defaultSettings }]);
  // An attempt claimed the notification, then died before recording the outcome.
  await store.claimNotification({
    id: msg.id,
    channel: 'email',
    to,
    status: 'sending',
    at: claimedAt.toISOString(),
    kind: 'reminder',
  });
});

describe('a sending claim older than 15 minutes', () => {
  it('1 ms short of 15 minutes: still in flight — nothing sent, the claim kept', async () => {
    const now = new Date(claimedAt.getTime() + STALE_MS - 1);
    await expect(deliver({ store, mailer }, msg, now, { settings: defaultSettings })).rejects.toBeInstanceOf(
      InFlight,
    );
    expect((await store.getNotification(msg.id))?.status).toBe('sending');
    expect(await mailsTo(to)).toBe(0);
  });

  it('at 15 minutes: recorded failed (outcome unknown), never sent again', async () => {
    expect(STALE_MS).toBe(15 * 60 * 1000);
    const now = new Date(claimedAt.getTime() + STALE_MS);
    expect(await deliver({ store, mailer }, msg, now, { settings: defaultSettings })).toBe('failed');
    expect(await store.getNotification(msg.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted/),
    });
    expect(
      await deliver({ store, mailer }, msg, new Date(now.getTime() + 60_000), { settings: defaultSettings }),
    ).toBe('duplicate');
    expect(await mailsTo(to)).toBe(0);
  });
});
