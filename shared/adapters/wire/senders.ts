// Lambda wiring for the sender (its only user). Global profile: SES and End User Messaging
// SMS. China profile (the stack sets SMTP_SECRET_ARN and SMS_SECRET_ARN): SMTP through nodemailer
// and Alibaba Cloud SMS (registered templates with parameters), their settings read once per
// container from Secrets Manager.
// The stack bundles with process.env.BAOSONG_PROFILE fixed to its profile (infra/stack.ts
// bundlingFor), so the global bundle leaves out nodemailer, the Alibaba SDK and Secrets Manager:
// the branches that import them are dead there. Unbundled (tests, the local runtime) the variable
// is unset and the secrets' variables alone decide.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import type { Mailer, SmsSender } from '../../app/ports';
import type { Config } from '../config';
import { SesMailer } from '../ses-mailer';
import { PinpointSmsSender } from '../sms-sender';

/** A sender whose module is loaded at the first send (once per container). */
function loadOnFirstSend<I, T extends { send(input: I): Promise<void> }>(load: () => Promise<T>) {
  let loading: Promise<T> | undefined;
  return {
    send: async (input: I) => {
      loading ??= load().catch((err) => {
        loading = undefined;
        throw err;
      });
      return (await loading).send(input);
    },
  };
}

export const mailer = (cfg: Config): Mailer => {
  const arn = cfg.SMTP_SECRET_ARN;
  if (process.env.BAOSONG_PROFILE !== 'global' && arn)
    return loadOnFirstSend(async () => (await import('./smtp')).smtpMailer(arn));
  return new SesMailer(new SESClient({}), cfg.SES_CONFIGURATION_SET);
};
export const smsSender = (cfg: Config): SmsSender => {
  const arn = cfg.SMS_SECRET_ARN;
  if (process.env.BAOSONG_PROFILE !== 'global' && arn)
    return loadOnFirstSend(async () => (await import('./aliyun')).aliyunSms(arn));
  return new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY);
};
