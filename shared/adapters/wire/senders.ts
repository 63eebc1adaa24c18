// Lambda wiring for the sender (imported by it only). Global profile: SES and End User Messaging
// SMS. China profile (the stack sets SMTP_SECRET_ARN): SMTP through nodemailer, its settings read
// once per container from Secrets Manager.
// The stack bundles with process.env.BAOSONG_PROFILE fixed to its profile (infra/stack.ts
// bundlingFor), so the global bundle leaves out nodemailer and Secrets Manager (≈ 250 KB): the
// branch that imports them is dead there. Unbundled (tests, the local runtime) the variable is
// unset and SMTP_SECRET_ARN alone decides.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../../app/ports';
import { provide } from '../container';
import { SesMailer } from '../ses-mailer';
import { PinpointSmsSender } from '../sms-sender';

/** A mailer whose module is loaded at the first send (once per container). */
function loadOnFirstSend(load: () => Promise<Mailer>): Mailer {
  let loading: Promise<Mailer> | undefined;
  return {
    send: async (input) => {
      loading ??= load().catch((err) => {
        loading = undefined;
        throw err;
      });
      return (await loading).send(input);
    },
  };
}

provide('mailer', (cfg) => {
  const arn = cfg.SMTP_SECRET_ARN;
  if (process.env.BAOSONG_PROFILE !== 'global' && arn)
    return loadOnFirstSend(async () => (await import('./smtp')).smtpMailer(arn));
  return new SesMailer(new SESClient({}), cfg.SES_CONFIGURATION_SET);
});
provide(
  'sms',
  (cfg) => new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY),
);
