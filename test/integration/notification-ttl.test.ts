// Notification records expire (issue 10, housekeeping): the sender's exactly-once claim on a
// message id, which also holds the address it went to, carries the table's TTL attribute, set
// NOTIFICATION_TTL_SECONDS after its last change — sent, failed (a permanent provider error) and
// given up alike. Read from the raw items on DynamoDB Local, through deliver() and the real
// SES and SMS stand-ins. (Awaiting-upload submissions: test/integration/hardening.test.ts.)
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { keys } from '../../shared/adapters/dynamo/keys';
import { DynamoStore, NOTIFICATION_TTL_SECONDS } from '../../shared/adapters/dynamo/store';
import { TTL_ATTRIBUTE } from '../../shared/adapters/dynamo/table';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { deliver, giveUp } from '../../shared/app/deliver';
import type { OutgoingMessage } from '../../shared/app/ports';
import { INVALID_NUMBER_PREFIX } from '../../infra/local/sms-server';
import { defaultSettings } from '../../shared/domain/defaults';

const endpoints = inject('endpoints');
const tag = randomBytes(4).toString('hex');
const TABLE = `notif-ttl-${tag}`;
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const doc = DynamoDBDocumentClient.from(ddb);
const store = new DynamoStore(ddb, TABLE);
const d = {
  store,
  mailer: new SesMailer(new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 })),
  sms: new PinpointSmsSender(
    new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms, maxAttempts: 1 }),
  ),
};
const NOW = new Date('2026-06-01T10:00:00+08:00');
const DAY = 24 * 3600;

const message = (id: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: `${id}-${tag}`,
  channel: 'email',
  to: `liaison@${tag}.example.gov.cn`,
  subject: '提醒',
  text: '请按时报送。',
  unitId: 'town-a',
  kind: 'reminder',
  ...over,
});
const raw = async (id: string) =>
  (await doc.send(new GetCommand({ TableName: TABLE, Key: keys.notification(id) }))).Item;

beforeAll(async () => {
  await createTable(ddb, TABLE);
});

describe('notification records carry a TTL', () => {
  it('90 days: far beyond any redelivery of an id (SQS 4 days, a DLQ 14)', () => {
    expect(NOTIFICATION_TTL_SECONDS).toBe(90 * DAY);
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
  });

  it('a sent email: expires 90 days after it was sent', async () => {
    const msg = message('sent');
    expect(await deliver(d, msg, NOW, { settings: defaultSettings })).toBe('sent');
    const item = await raw(msg.id);
    expect(item?.status).toBe('sent');
    expect(item?.[TTL_ATTRIBUTE]).toBe(NOW.getTime() / 1000 + 90 * DAY);
    // the domain record never shows it
    expect(await store.getNotification(msg.id)).not.toHaveProperty(TTL_ATTRIBUTE);
  });

  it('a permanent failure (an invalid number): expires 90 days after the attempt', async () => {
    const msg = message('failed', { channel: 'sms', to: `${INVALID_NUMBER_PREFIX}12345` });
    expect(await deliver(d, msg, NOW, { settings: defaultSettings })).toBe('failed');
    const item = await raw(msg.id);
    expect(item?.status).toBe('failed');
    expect(item?.[TTL_ATTRIBUTE]).toBe(NOW.getTime() / 1000 + 90 * DAY);
  });

  it('given up, and a record moved later: the TTL follows its last change', async () => {
    const msg = message('given-up');
    await giveUp(d, msg, NOW, 'sending stayed misconfigured; given up');
    expect(await raw(msg.id)).toMatchObject({
      status: 'failed',
      [TTL_ATTRIBUTE]: NOW.getTime() / 1000 + 90 * DAY,
    });

    const later = message('retried');
    await store.claimNotification({
      id: later.id,
      channel: 'email',
      to: later.to,
      status: 'retry',
      at: NOW.toISOString(),
    });
    const next = new Date(NOW.getTime() + 3 * DAY * 1000);
    expect(await deliver(d, later, next, { settings: defaultSettings })).toBe('sent');
    expect((await raw(later.id))?.[TTL_ATTRIBUTE]).toBe(next.getTime() / 1000 + 90 * DAY);
  });
});
