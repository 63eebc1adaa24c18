// Lambda wiring: the notify queue (imported by the functions that queue notices).
import { SQSClient } from '@aws-sdk/client-sqs';
import { provide } from '../container';
import { SqsQueue } from '../sqs-queue';

provide('queue', (cfg) => new SqsQueue(new SQSClient({}), cfg.NOTIFY_QUEUE_URL));
