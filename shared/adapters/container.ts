// Wires ports to adapters. On Lambda everything comes from the environment (lazily, once per
// container); the local runtime and the tests install their own wiring with setDeps().
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock, MessageQueue, Mailer, ObjectStore, SmsSender, Store } from '../app/ports';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { DynamoStore } from './dynamo/store';
import { makeS3Client, S3ObjectStore } from './s3';

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
    current = {
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
