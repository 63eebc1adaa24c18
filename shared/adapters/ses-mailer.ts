// Mailer on SES (v1 SendEmail, as the design names @aws-sdk/client-ses): UTF-8 subject and
// text body. Throttling ("Maximum sending rate exceeded") → ThrottledError (retry later);
// a misconfigured sender (an identity that is not verified — also a recipient outside the
// sandbox's verified list —, a MAIL FROM domain not verified, no permission, the account or the
// configuration set paused or missing) → SendConfigError: the sender pauses email, one alarm;
// any other rejected message or an invalid address → PermanentDeliveryError (recorded, not retried).
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { type Mailer, PermanentDeliveryError, SendConfigError, ThrottledError } from '../app/ports';

const PERMANENT = new Set(['MessageRejected', 'InvalidParameterValue']);
const CONFIG = new Set([
  'MailFromDomainNotVerifiedException',
  'MailFromDomainNotVerified',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'AccountSendingPausedException',
  'AccessDenied',
  'AccessDeniedException',
]);

export function mapSesError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const name = (err as { name?: string; Code?: string }).name ?? '';
  if (
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    /Maximum sending rate exceeded/i.test(err.message) ||
    (err as { $retryable?: { throttling?: boolean } }).$retryable?.throttling
  ) {
    return new ThrottledError(`SES ${name || 'Throttling'}`);
  }
  if (CONFIG.has(name) || (name === 'MessageRejected' && /not verified/i.test(err.message)))
    return new SendConfigError(`SES ${name}${name === 'MessageRejected' ? ' (identity not verified)' : ''}`);
  if (PERMANENT.has(name)) return new PermanentDeliveryError(`SES ${name}`);
  return err;
}

export class SesMailer implements Mailer {
  /** configurationSet: the SES configuration set every message is sent with (bounce events). */
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet?: string,
  ) {}

  async send(input: {
    from: string;
    to: string;
    subject: string;
    text: string;
    unitId?: string;
  }): Promise<void> {
    try {
      await this.client.send(
        new SendEmailCommand({
          Source: input.from,
          Destination: { ToAddresses: [input.to] },
          Message: {
            Subject: { Data: input.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: input.text, Charset: 'UTF-8' } },
          },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          // The bounce handler reads which unit a bounced address belongs to from this tag.
          ...(input.unitId ? { Tags: [{ Name: 'unitId', Value: input.unitId }] } : {}),
        }),
      );
    } catch (err) {
      throw mapSesError(err);
    }
  }
}
