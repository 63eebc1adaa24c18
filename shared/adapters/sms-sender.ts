// SmsSender on AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage),
// TRANSACTIONAL, from the configured origination identity when there is one.
// ThrottlingException → ThrottledError; a wrong, unregistered or missing origination identity,
// or no permission → SendConfigError (the sender pauses SMS, one alarm); an opted-out number, the
// monthly spend limit, any other ValidationException (bad number) → PermanentDeliveryError
// (recorded as failed, never retried, never dead-lettered).
import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PermanentDeliveryError, SendConfigError, type SmsSender, ThrottledError } from '../app/ports';

/** Reasons (ValidationException, ConflictException) that mean our sending identity is wrong. */
const CONFIG_REASONS = new Set([
  'INVALID_IDENTITY_FOR_DESTINATION_COUNTRY',
  'SENDER_ID_NOT_REGISTERED',
  'SENDER_ID_NOT_SUPPORTED',
  'SENDER_ID_REQUIRES_REGISTRATION',
  'DESTINATION_COUNTRY_BLOCKED',
  'DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION',
  'NO_ORIGINATION_IDENTITIES_FOUND',
  'INVALID_ARN',
]);

export function mapSmsError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const name = err.name;
  if (
    name === 'ThrottlingException' ||
    (err as { $retryable?: { throttling?: boolean } }).$retryable?.throttling
  ) {
    return new ThrottledError(`SMS ${name}`);
  }
  const reason = (err as { Reason?: string }).Reason;
  const label = `SMS ${name}${reason ? ` (${reason})` : ''}`;
  if (name === 'ResourceNotFoundException' || name === 'AccessDeniedException')
    return new SendConfigError(label);
  if (reason && CONFIG_REASONS.has(reason)) return new SendConfigError(label);
  if (name === 'ConflictException' && reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT')
    return new PermanentDeliveryError(`SMS opted out (${reason})`);
  if (name === 'ServiceQuotaExceededException' && reason?.startsWith('MONTHLY_SPEND_LIMIT_REACHED'))
    return new PermanentDeliveryError(`SMS monthly spend limit reached (${reason})`);
  if (name === 'ValidationException') return new PermanentDeliveryError(label);
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
