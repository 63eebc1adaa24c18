// What every SQS record a test hands a handler has besides its id, receipt handle and body: the
// attributes Lambda's SQS event source fills in, for a queue of the local region.
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from '../../infra/local/standins';

export const sqsFields = (
  queue: string,
  receiveCount = 1,
): Omit<SQSRecord, 'messageId' | 'receiptHandle' | 'body'> => ({
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${queue}`,
  awsRegion: LOCAL_REGION,
});
