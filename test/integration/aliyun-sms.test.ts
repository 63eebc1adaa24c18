// SMS through Alibaba Cloud SMS (china profile): the official SDK (@alicloud/dysmsapi20170525)
// against the local stand-in, which verifies each request's ACS3-HMAC-SHA256 signature as the
// service does. Every notice kind goes as its registered template + parameters, and error codes map
// to the sender's outcomes.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { projectRoot } from '../../infra/stack';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { loadCalendar } from '../../shared/app/calendar';
import { deliver } from '../../shared/app/deliver';
import { openSlots } from '../../shared/app/open-slots';
import type { OutgoingMessage } from '../../shared/app/ports';
import { sweep } from '../../shared/app/sweep';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { type AliyunSmsServer, startAliyunSmsServer } from '../../infra/local/aliyun-sms-server';
import {
  AliyunSmsSender,
  aliyunNumber,
  aliyunSmsConfigSchema,
  mapAliyunCode,
} from '../../shared/adapters/aliyun-sms';
import { secretJson } from '../../shared/adapters/secret-json';
import { PermanentDeliveryError, SendConfigError, ThrottledError } from '../../shared/app/ports';
import {
  chaseMessage,
  escalationMessage,
  officeDigestMessage,
  receiptMessage,
  rejectionMessage,
  reminderMessage,
  requestMessage,
  returnedMessage,
} from '../../shared/domain/messages';
import {
  renderSms,
  SMS_TEMPLATE_IDS,
  SMS_TEMPLATES,
  type SmsTemplateId,
} from '../../shared/domain/sms-templates';
import { startSecretsStandIn } from '../support/secrets-standin';

const SIGN = '区法制办';
const codes = Object.fromEntries(SMS_TEMPLATE_IDS.map((id, i) => [id, `SMS_${100 + i}`])) as Record<
  SmsTemplateId,
  string
>;
let srv: AliyunSmsServer;
let secrets: Awaited<ReturnType<typeof startSecretsStandIn>>;

const cfg = (over: Record<string, unknown> = {}) =>
  aliyunSmsConfigSchema.parse({
    accessKeyId: 'LTAI-test',
    accessKeySecret: 'test-secret',
    signName: SIGN,
    templates: codes,
    endpoint: srv.host,
    protocol: 'http',
    ...over,
  });
const sender = (over: Record<string, unknown> = {}) => new AliyunSmsSender(async () => cfg(over));

const ref = {
  unitName: '城关镇',
  obligationName: '年度工作总结',
  period: '2026',
  effectiveDeadline: '2026-12-07',
};
const notices = {
  reminder: reminderMessage({ ...ref, offset: 0, today: '2026-12-07' }),
  escalation: escalationMessage({ ...ref, lateDays: 1, leaderName: '王镇长', today: '2026-12-08' }),
  digest: officeDigestMessage([{ ...ref, lateDays: 3 }], '2026-12-10'),
  chase: chaseMessage({ ...ref, state: 'overdue', lateDays: 2, today: '2026-12-09' }),
  receipt: receiptMessage({
    ...ref,
    fileName: '总结.pdf',
    size: 1234,
    sha256: 'ab'.repeat(32),
    receivedAt: new Date('2026-12-04T10:00:00+08:00'),
    onTime: true,
    lateDays: 0,
    submissionId: '01JABCDEFGHJKMNPQRSTVWXYZ1',
  }),
  rejection: rejectionMessage({ ...ref, fileName: '总结.exe', reason: '文件类型不符' }),
  returned: returnedMessage({ ...ref, resubmitBy: '2026-12-14' }),
  request: requestMessage({ ...ref }),
};

beforeAll(async () => {
  srv = await startAliyunSmsServer({
    accessKeys: { 'LTAI-test': 'test-secret' },
    signName: SIGN,
    templates: Object.fromEntries(SMS_TEMPLATE_IDS.map((id) => [codes[id], SMS_TEMPLATES[id]])),
  });
  secrets = await startSecretsStandIn({});
});
beforeEach(() => fetch(`${srv.endpoint}/__clear`, { method: 'POST' }));
afterAll(async () => {
  await srv?.close();
  await secrets?.close();
});

describe('notice kinds as registered templates', () => {
  it('every kind has one template, and each notice’s SMS text is its template rendered', () => {
    expect(Object.keys(notices).sort()).toEqual([...SMS_TEMPLATE_IDS].sort());
    for (const [kind, m] of Object.entries(notices)) {
      expect(m.smsTemplate.template).toBe(kind);
      expect(m.sms).toBe(renderSms(m.smsTemplate));
      // Alibaba's limit: each variable value at most 35 characters.
      for (const v of Object.values(m.smsTemplate.params))
        expect(v.length, `${kind} ${v}`).toBeLessThanOrEqual(35);
    }
    expect(notices.reminder.sms).toBe(
      '城关镇：2026年年度工作总结今天截止（12月7日周一），请及时登录系统报送。',
    );
    expect(() => renderSms({ template: 'digest', params: { escalated: '1' } })).toThrow(/needs fresh/);
  });

  it('the README lists every template, with its exact text, for registration', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    for (const id of SMS_TEMPLATE_IDS) expect(readme).toContain(`| \`${id}\` |`);
    for (const id of SMS_TEMPLATE_IDS) expect(readme).toContain(`\`${SMS_TEMPLATES[id]}\``);
  });
});

describe('AliyunSmsSender against the Dysmsapi stand-in (signature verified)', () => {
  it('sends each kind as template code + parameters; the handset text equals the rendered text', async () => {
    const s = sender();
    for (const m of Object.values(notices))
      await s.send({ to: '+8613800000000', text: m.sms, template: m.smsTemplate });
    expect(srv.messages).toHaveLength(SMS_TEMPLATE_IDS.length);
    expect(srv.refused).toBe(0);
    for (const [i, m] of Object.values(notices).entries()) {
      const got = srv.messages[i]!;
      expect(got.phoneNumbers).toBe('13800000000');
      expect(got.signName).toBe(SIGN);
      expect(got.templateCode).toBe(codes[m.smsTemplate.template]);
      expect(got.params).toEqual(m.smsTemplate.params);
      expect(got.text).toBe(`【${SIGN}】${m.sms}`);
    }
  });

  it('a wrong AccessKey secret fails the signature check: a configuration error (SMS paused), nothing sent', async () => {
    const before = srv.refused;
    const err = await sender({ accessKeySecret: 'not-the-secret' })
      .send({ to: '+8613800000000', text: 'x', template: notices.digest.smsTemplate })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SendConfigError);
    expect(err.message).toBe('SMS SignatureDoesNotMatch');
    expect(srv.refused).toBe(before + 1);
    expect(srv.messages).toHaveLength(0);
  });

  it('flow control is retried later; an illegal or blacklisted number is permanent and names no number', async () => {
    await fetch(`${srv.endpoint}/__faults`, { method: 'POST', body: JSON.stringify({ throttleNext: 1 }) });
    const s = sender();
    const t = notices.chase.smsTemplate;
    const throttled = await s.send({ to: '+8613800000000', text: 'x', template: t }).catch((e) => e);
    expect(throttled).toBeInstanceOf(ThrottledError);
    await s.send({ to: '+8613800000000', text: 'x', template: t }); // the retry goes through
    expect(srv.messages).toHaveLength(1);
    for (const to of ['+8610000000000', '+8613400001234']) {
      const err = await s.send({ to, text: 'x', template: t }).catch((e) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toMatch(/^SMS isv\.(MOBILE_NUMBER_ILLEGAL|MOBILE_IN_BLACK)$/);
    }
  });

  it('a kind with no registered code, or a message without a template, is permanent', async () => {
    const { reminder: _r, ...fewer } = codes;
    const s = sender({ templates: fewer });
    await expect(
      s.send({ to: '+8613800000000', text: 'x', template: notices.reminder.smsTemplate }),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(sender().send({ to: '+8613800000000', text: 'free text' })).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    expect(srv.messages).toHaveLength(0);
  });

  it('settings from the Secrets Manager secret (read once), through the real SDK client', async () => {
    secrets.secrets['baosong/sms'] = JSON.stringify(cfg());
    const client = new SecretsManagerClient({
      region: 'cn-north-1',
      endpoint: secrets.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const s = new AliyunSmsSender(secretJson(client, 'baosong/sms', aliyunSmsConfigSchema));
    await s.send({ to: '+8613800000001', text: 'x', template: notices.returned.smsTemplate });
    await s.send({ to: '+8613800000002', text: 'x', template: notices.returned.smsTemplate });
    expect(srv.messages.map((m) => m.phoneNumbers)).toEqual(['13800000001', '13800000002']);
    expect(secrets.reads.filter((r) => r === 'baosong/sms')).toHaveLength(1);
  });

  it('end to end: the sweep queues a reminder SMS, the sender delivers it to Alibaba as its template, once', async () => {
    const ddb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: inject('endpoints').dynamodb,
    });
    const table = `aliyun-${randomBytes(4).toString('hex')}`;
    await createTable(ddb, table);
    const store = new DynamoStore(ddb, table);
    for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
    const unit = {
      unitId: 'chengguan',
      name: '城关镇',
      kind: 'town' as const,
      tags: [],
      active: true,
      contacts: [{ role: 'liaison' as const, name: '李联络', phone: '+8613800000009' }],
    };
    await store.write([{ type: 'putUnit', unit }]);
    const at = new Date('2026-04-20T09:00:00+08:00'); // the annual plan's deadline day: a reminder by SMS too
    await openSlots(store, await loadCalendar(store, [2026]), {
      year: 2026,
      units: [unit],
      obligations: defaultObligations,
      now: at,
    });
    const queued: OutgoingMessage[] = [];
    await sweep({ store, queue: { enqueue: async (m) => void queued.push(...m) } }, at);
    const texts = queued.filter((m) => m.channel === 'sms');
    expect(texts.length).toBeGreaterThan(0);
    const d = { store, sms: sender() };
    for (const m of texts) expect(await deliver(d, m, at, { settings: defaultSettings })).toBe('sent');
    for (const m of texts) expect(await deliver(d, m, at, { settings: defaultSettings })).toBe('duplicate');
    expect(srv.messages).toHaveLength(texts.length);
    const reminder = texts.find((m) => m.kind.startsWith('reminder'))!;
    expect(reminder.template?.template).toBe('reminder');
    expect(srv.messages[texts.indexOf(reminder)]).toMatchObject({
      phoneNumbers: '13800000009',
      templateCode: codes.reminder,
      params: reminder.template!.params,
    });
  });

  it('maps codes and numbers', () => {
    expect(mapAliyunCode('OK')).toBeNull();
    expect(mapAliyunCode('isv.BUSINESS_LIMIT_CONTROL')).toBeInstanceOf(ThrottledError);
    expect(mapAliyunCode('Throttling.User')).toBeInstanceOf(ThrottledError);
    expect(mapAliyunCode('isv.MOBILE_NUMBER_ILLEGAL')).toBeInstanceOf(PermanentDeliveryError);
    expect(mapAliyunCode('isv.SMS_SIGNATURE_ILLEGAL')).toBeInstanceOf(SendConfigError);
    expect(mapAliyunCode('InvalidAccessKeyId.NotFound')).toBeInstanceOf(SendConfigError);
    expect(mapAliyunCode('isp.SYSTEM_ERROR')?.constructor).toBe(Error);
    expect(aliyunNumber('+8613800000000')).toBe('13800000000');
    expect(aliyunNumber('+85291234567')).toBe('85291234567');
  });
});
