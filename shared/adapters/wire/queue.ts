// Lambda wiring: the notify queue (for the functions that queue notices).
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import { SqsQueue } from '../sqs-queue';

export const notifyQueue = (cfg: Config) => new SqsQueue(new SQSClient({}), cfg.NOTIFY_QUEUE_URL);
