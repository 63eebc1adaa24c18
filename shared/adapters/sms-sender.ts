// SmsSender on AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage),
// TRANSACTIONAL, from the configured origination identity when there is one.
// ThrottlingException → ThrottledError; ValidationException (bad number) → PermanentDeliveryError.
import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PermanentDeliveryError, type SmsSender, ThrottledError } from '../app/ports';

export function mapSmsError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const name = err.name;
  if (
    name === 'ThrottlingException' ||
    (err as { $retryable?: { throttling?: boolean } }).$retryable?.throttling
  ) {
    return new ThrottledError(`SMS ${name}`);
  }
  if (name === 'ValidationException') {
    const reason = (err as { Reason?: string }).Reason;
    return new PermanentDeliveryError(`SMS ValidationException${reason ? ` (${reason})` : ''}`);
  }
  return err;
}

export class PinpointSmsSender implements SmsSender {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly originationIdentity?: string,
  ) {}

  async send(input: { to: string; text: string }): Promise<void> {
    try {
      await this.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: input.to,
          MessageBody: input.text,
          MessageType: 'TRANSACTIONAL',
          ...(this.originationIdentity ? { OriginationIdentity: this.originationIdentity } : {}),
        }),
      );
    } catch (err) {
      throw mapSmsError(err);
    }
  }
}
