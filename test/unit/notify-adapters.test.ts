// The delivery adapters' error mappings, each fault injected with aws-sdk-client-mock (their happy
// paths run on the stand-ins: test/integration/delivery-adapters.test.ts), the SMS body and the
// sweep event's shapes.
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffSeconds } from '../../shared/app/send-batch';
import { sweepEventSchema } from '../../functions/sweep/handler';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { queueUrlOfArn, SqsQueue } from '../../shared/adapters/sqs-queue';
import { smsBody } from '../../shared/app/deliver';
import {
  PermanentDeliveryError,
  SendConfigError,
  ThrottledError,
  type OutgoingMessage,
} from '../../shared/app/ports';

const ses = mockClient(SESClient);
const sms = mockClient(PinpointSMSVoiceV2Client);
const sqs = mockClient(SQSClient);
afterEach(() => {
  ses.reset();
  sms.reset();
  sqs.reset();
});

const sesError = (name: string, message: string) =>
  new SESServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
const awsError = (name: string) => Object.assign(new Error(name), { name });

describe('SesMailer', () => {
  const mail = {
    from: 'noreply@example.gov.cn',
    to: 'a@example.gov.cn',
    subject: '【报送提醒】',
    text: '正文',
  };

  it('maps throttling to ThrottledError and rejections to PermanentDeliveryError (without the address)', async () => {
    const m = new SesMailer(new SESClient({}));
    ses
      .on(SendEmailCommand)
      .rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.'))
      .rejectsOnce(sesError('MessageRejected', 'Email address contains a virus: a@example.gov.cn'))
      .rejectsOnce(sesError('InvalidParameterValue', 'Missing final @domain'))
      .rejectsOnce(awsError('InternalFailure'));
    await expect(m.send(mail)).rejects.toBeInstanceOf(ThrottledError);
    const err = await m.send(mail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(String((err as Error).message)).not.toContain('@');
    await expect(m.send(mail)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(m.send(mail)).rejects.toMatchObject({ name: 'InternalFailure' });
  });

  it('maps a misconfigured sender to SendConfigError (one alarm, not a failure per message)', async () => {
    const m = new SesMailer(new SESClient({}));
    const faults = [
      sesError(
        'MessageRejected',
        'Email address is not verified. The following identities failed the check in region AP-SOUTHEAST-1: noreply@example.gov.cn',
      ),
      sesError('MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified'),
      sesError('AccessDenied', 'not authorized to perform ses:SendEmail on identity/example.gov.cn'),
      sesError('AccountSendingPausedException', 'sending paused'),
      sesError('ConfigurationSetDoesNotExist', 'Configuration set baosong does not exist'),
    ];
    faults.reduce((b, f) => b.rejectsOnce(f), ses.on(SendEmailCommand));
    for (const f of faults) {
      const err = await m.send(mail).catch((e: unknown) => e);
      expect(err, f.name).toBeInstanceOf(SendConfigError);
      expect(String((err as Error).message)).not.toContain('@');
    }
  });
});

describe('PinpointSmsSender', () => {
  it('maps ThrottlingException and ValidationException', async () => {
    const s = new PinpointSmsSender(new PinpointSMSVoiceV2Client({}));
    sms
      .on(SendTextMessageCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .rejectsOnce(awsError('ValidationException'));
    await expect(s.send({ to: '+8613800000000', text: 'x' })).rejects.toBeInstanceOf(ThrottledError);
    await expect(s.send({ to: '+8610000000000', text: 'x' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  const reasoned = (name: string, Reason: string) => Object.assign(new Error(name), { name, Reason });

  it('opted-out numbers and the monthly spend limit are permanent failures (recorded, never retried)', async () => {
    const s = new PinpointSmsSender(new PinpointSMSVoiceV2Client({}));
    sms
      .on(SendTextMessageCommand)
      .rejectsOnce(reasoned('ConflictException', 'DESTINATION_PHONE_NUMBER_OPTED_OUT'))
      .rejectsOnce(reasoned('ServiceQuotaExceededException', 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT'));
    const optedOut = await s.send({ to: '+8613800000000', text: 'x' }).catch((e: unknown) => e);
    expect(optedOut).toBeInstanceOf(PermanentDeliveryError);
    expect((optedOut as Error).message).toMatch(/opted out/);
    const spend = await s.send({ to: '+8613800000000', text: 'x' }).catch((e: unknown) => e);
    expect(spend).toBeInstanceOf(PermanentDeliveryError);
    expect((spend as Error).message).toMatch(/spend limit/);
  });

  it('a wrong, unregistered or missing origination identity is a SendConfigError', async () => {
    const s = new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), 'sid-wrong');
    const faults = [
      reasoned('ResourceNotFoundException', ''),
      reasoned('ValidationException', 'INVALID_IDENTITY_FOR_DESTINATION_COUNTRY'),
      reasoned('ValidationException', 'SENDER_ID_NOT_REGISTERED'),
      reasoned('ConflictException', 'NO_ORIGINATION_IDENTITIES_FOUND'),
      reasoned('AccessDeniedException', ''),
    ];
    faults.reduce((b, f) => b.rejectsOnce(f), sms.on(SendTextMessageCommand));
    for (const f of faults)
      await expect(
        s.send({ to: '+8613800000000', text: 'x' }),
        `${f.name} ${f.Reason}`,
      ).rejects.toBeInstanceOf(SendConfigError);
  });
});

describe('SqsQueue', () => {
  const msg = (i: number): OutgoingMessage => ({
    id: `m${i}`,
    channel: 'email',
    to: 'a@b.cn',
    text: 't',
    unitId: 'u',
    kind: 'k',
  });

  it('sends batches of 10, the message JSON as body, and resends only failed entries', async () => {
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => {
      calls++;
      return calls === 1
        ? {
            Successful: [],
            Failed: [{ Id: input.Entries[0]!.Id, Code: 'InternalError', SenderFault: false }],
          }
        : { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    await new SqsQueue(new SQSClient({}), 'https://sqs.x/1/q').enqueue(
      Array.from({ length: 23 }, (_, i) => msg(i)),
      {
        delaySeconds: 2000,
      },
    );
    const sent = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(sent.map((e) => e.length)).toEqual([10, 1, 10, 3]);
    expect(JSON.parse(sent[0]![0]!.MessageBody!)).toEqual(msg(0));
    expect(sent[0]![0]!.DelaySeconds).toBe(900);
  });

  it('derives a queue URL from an ARN, in either partition', () => {
    expect(queueUrlOfArn('arn:aws:sqs:ap-southeast-1:1:q')).toBe(
      'https://sqs.ap-southeast-1.amazonaws.com/1/q',
    );
    expect(queueUrlOfArn('arn:aws-cn:sqs:cn-north-1:123456789012:notify')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/notify',
    );
  });
});

describe('the SMS body', () => {
  it('prefixes the signature once', () => {
    expect(smsBody('【区法制办】', '请报送')).toBe('【区法制办】请报送');
    expect(smsBody('【区法制办】', '【区法制办】请报送')).toBe('【区法制办】请报送');
  });
});

describe('sender back-off and the sweep event', () => {
  it('backs off exponentially up to SQS’s 15 minutes', () => {
    expect(backoffSeconds(1)).toBeGreaterThanOrEqual(7.5);
    expect(backoffSeconds(1)).toBeLessThanOrEqual(12.5);
    expect(backoffSeconds(20)).toBe(900);
  });
  it('accepts { at }, an EventBridge-style { time }, or nothing', () => {
    expect(sweepEventSchema.parse({ at: '2026-07-03T09:00:00+08:00' })).toBe('2026-07-03T09:00:00+08:00');
    expect(sweepEventSchema.parse({ time: '2026-07-03T01:00:00Z', source: 'aws.scheduler' })).toBe(
      '2026-07-03T01:00:00Z',
    );
    expect(sweepEventSchema.parse({})).toBeUndefined();
    expect(sweepEventSchema.parse(null)).toBeUndefined();
    expect(sweepEventSchema.safeParse({ at: 'tomorrow' }).success).toBe(false);
  });
});
