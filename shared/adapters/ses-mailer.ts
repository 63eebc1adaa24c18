// Mailer on SES (v1 SendEmail, as the design names @aws-sdk/client-ses): UTF-8 subject and
// text body. Throttling ("Maximum sending rate exceeded") → ThrottledError (retry later);
// a rejected message or an invalid address → PermanentDeliveryError (recorded, not retried).
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { type Mailer, PermanentDeliveryError, ThrottledError } from '../app/ports';

const PERMANENT = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'MailFromDomainNotVerifiedException',
  'MailFromDomainNotVerified',
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
  if (PERMANENT.has(name)) return new PermanentDeliveryError(`SES ${name}`);
  return err;
}

export class SesMailer implements Mailer {
  constructor(private readonly client: SESClient) {}

  async send(input: { from: string; to: string; subject: string; text: string }): Promise<void> {
    try {
      await this.client.send(
        new SendEmailCommand({
          Source: input.from,
          Destination: { ToAddresses: [input.to] },
          Message: {
            Subject: { Data: input.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: input.text, Charset: 'UTF-8' } },
          },
        }),
      );
    } catch (err) {
      throw mapSesError(err);
    }
  }
}
