// Wires ports to adapters. On Lambda everything comes from the environment (lazily, once per
// container); the local runtime and the tests install their own wiring with setDeps().
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock, MessageQueue, Mailer, ObjectStore, SmsSender, Store } from '../app/ports';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { DynamoStore } from './dynamo/store';
import { makeS3Client, S3ObjectStore } from './s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SESClient } from '@aws-sdk/client-ses';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SqsQueue } from './sqs-queue';
import { SesMailer } from './ses-mailer';
import { PinpointSmsSender } from './sms-sender';

export type Deps = {
  store: Store;
  clock: Clock;
  objects?: ObjectStore;
  queue?: MessageQueue;
  mailer?: Mailer;
  sms?: SmsSender;
};

let current: Deps | undefined;

export function setDeps(d: Deps | undefined) {
  current = d;
}

export function deps(): Deps {
  if (!current) {
    const cfg = loadConfig();
    // Queue, mailer and SMS sender are built on first use (only the functions that send need them).
    let queue: SqsQueue | undefined;
    let mailer: SesMailer | undefined;
    let sms: PinpointSmsSender | undefined;
    current = {
      get queue() {
        queue ??= new SqsQueue(new SQSClient({}), cfg.NOTIFY_QUEUE_URL);
        return queue;
      },
      get mailer() {
        mailer ??= new SesMailer(new SESClient({}));
        return mailer;
      },
      get sms() {
        sms ??= new PinpointSmsSender(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY);
        return sms;
      },
      store: new DynamoStore(new DynamoDBClient({}), cfg.TABLE_NAME),
      clock: systemClock,
      ...(cfg.BUCKET_NAME
        ? { objects: new S3ObjectStore(makeS3Client({ endpoint: cfg.AWS_ENDPOINT_URL_S3 }), cfg.BUCKET_NAME) }
        : {}),
    };
  }
  return current;
}

export function need<K extends keyof Deps>(key: K): NonNullable<Deps[K]> {
  const v = deps()[key];
  if (!v) throw new Error(`dependency ${key} is not configured`);
  return v as NonNullable<Deps[K]>;
}
