// The delivery adapters' happy paths on the stand-ins (no mocks): SesMailer through the real SES
// client to aws-ses-v2-local, PinpointSmsSender through the real SMS client to the SMS stand-in,
// SqsQueue's postpone through the real SQS client to the SQS stand-in of test/infra/support.
// What a stand-in does not keep (SES's Charset, configuration set and tags; SMS's message type) is
// read from the request the real client put on the wire (a middleware that only looks).
// The error mappings stay in test/unit/notify-adapters.test.ts, where a mock injects each fault.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { SqsQueue } from '../../shared/adapters/sqs-queue';
import { startSqsServer } from '../infra/support/sqs-server';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const tag = randomBytes(4).toString('hex');

/** The bodies of the requests a real client sent (after serialization and signing). */
function wire(client: SESClient | PinpointSMSVoiceV2Client): string[] {
  const bodies: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      bodies.push(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordWireBody' },
  );
  return bodies;
}

describe('SesMailer on the SES stand-in', () => {
  const client = new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 });
  const sent = wire(client);
  afterAll(() => client.destroy());

  it('delivers a UTF-8 subject and text body, with the configuration set and the unit tag', async () => {
    const to = `liaison-${tag}@example.gov.cn`;
    const subject = `【报送提醒】年度工作总结 ${tag}`;
    const text = '请于12月7日前报送。\n城关镇';
    await new SesMailer(client, 'baosong-set').send({
      from: 'noreply@example.gov.cn',
      to,
      subject,
      text,
      unitId: 'nanhu-town',
    });
    const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
      emails: Array<{ from: string; subject: string; body: { text: string }; destination: { to: string[] } }>;
    };
    const mail = store.emails.find((e) => e.subject === subject);
    expect(mail).toMatchObject({ from: 'noreply@example.gov.cn', destination: { to: [to] } });
    expect(mail?.body.text).toBe(text);
    const form = new URLSearchParams(sent.at(-1));
    expect(form.get('Action')).toBe('SendEmail');
    expect(form.get('Message.Subject.Charset')).toBe('UTF-8');
    expect(form.get('Message.Body.Text.Charset')).toBe('UTF-8');
    expect(form.get('ConfigurationSetName')).toBe('baosong-set');
    expect([form.get('Tags.member.1.Name'), form.get('Tags.member.1.Value')]).toEqual([
      'unitId',
      'nanhu-town',
    ]);
  });
});

describe('PinpointSmsSender on the SMS stand-in', () => {
  const client = new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms, maxAttempts: 1 });
  const sent = wire(client);
  afterAll(() => client.destroy());

  it('sends TRANSACTIONAL from the configured origination identity', async () => {
    const text = `【区法制办】请报送 ${tag}`;
    await new PinpointSmsSender(client, 'sid-1').send({ to: '+8613800000000', text });
    const { messages } = (await (await fetch(`${endpoints.sms}/__messages`)).json()) as {
      messages: Array<{ to: string; text: string; originationIdentity?: string }>;
    };
    expect(messages.find((m) => m.text === text)).toMatchObject({
      to: '+8613800000000',
      originationIdentity: 'sid-1',
    });
    expect(JSON.parse(sent.at(-1)!)).toEqual({
      DestinationPhoneNumber: '+8613800000000',
      MessageBody: text,
      MessageType: 'TRANSACTIONAL',
      OriginationIdentity: 'sid-1',
    });
  });
});

describe('SqsQueue.postpone on the SQS stand-in', () => {
  it('changes the visibility on the queue named by the event’s ARN, at most 12 h', async () => {
    const server = await startSqsServer();
    const client = new SQSClient({ ...common, endpoint: server.endpoint, maxAttempts: 1 });
    try {
      await new SqsQueue(client, undefined).postpone(
        { receiptHandle: 'rh', eventSourceARN: 'arn:aws-cn:sqs:cn-north-1:123456789012:notify' },
        50_000,
      );
      expect(server.visibilityChanges).toEqual([
        {
          queueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/notify',
          receiptHandle: 'rh',
          seconds: 43_200,
        },
      ]);
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
