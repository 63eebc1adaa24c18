// Lambda wiring: SES and End User Messaging SMS (imported by the sender only).
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { provide } from '../container';
import { SesMailer } from '../ses-mailer';
import { PinpointSmsSender } from '../sms-sender';

provide('mailer', (cfg) => new SesMailer(new SESClient({}), cfg.SES_CONFIGURATION_SET));
provide(
  'sms',
  (cfg) => new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY),
);
