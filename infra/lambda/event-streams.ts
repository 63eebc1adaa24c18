// Bundled in place of @smithy/core/event-streams (the stack's esbuild `--alias`). Event streams are
// the SDK's framing for operations such as S3 SelectObjectContent or Bedrock's streamed answers; no
// function calls one (DynamoDB items, SQS messages, S3 objects got, put, copied, deleted and listed,
// SES and SMS sends, Cognito user administration: none has an event-stream member), yet every bundle
// carried the codec (≈ 11–13 KB): the S3 client resolves a marshaller when it is built, and every
// protocol imports the module for the day it meets a stream. Here the S3 client gets a marshaller
// that refuses to work, and an operation with an event stream fails with this module's name.
const refuse = (): never => {
  throw new Error(
    'Event streams are not bundled (infra/lambda/event-streams.ts): no function calls an operation that streams events',
  );
};

/** What the S3 client keeps as its event-stream marshaller: never used, refuses if it is. */
export const eventStreamSerdeProvider = (_options: unknown) => ({ serialize: refuse, deserialize: refuse });

/** As the SDK's: the client's config gets the provider's marshaller. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** What a protocol loads when an operation's input or output is an event stream: it refuses. */
export class EventStreamSerde {
  constructor(_options: unknown) {
    refuse();
  }
}
