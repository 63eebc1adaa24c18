// Lambda wiring for the sender (imported by it only). Global profile: SES and End User Messaging
// SMS. China profile (the stack sets SMTP_SECRET_ARN): SMTP through nodemailer, its settings read
// once per container from Secrets Manager.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { provide } from '../container';
import { secretJson } from '../secret-json';
import { SesMailer } from '../ses-mailer';
import { SmtpMailer, smtpConfigSchema } from '../smtp-mailer';
import { PinpointSmsSender } from '../sms-sender';

provide('mailer', (cfg) =>
  cfg.SMTP_SECRET_ARN
    ? new SmtpMailer(secretJson(new SecretsManagerClient({}), cfg.SMTP_SECRET_ARN, smtpConfigSchema))
    : new SesMailer(new SESClient({}), cfg.SES_CONFIGURATION_SET),
);
provide(
  'sms',
  (cfg) => new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY),
);
