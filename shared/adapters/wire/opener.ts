// Lambda wiring: the slot-opening jobs' queue (imported by the functions that open slots: api, sweep).
import { SQSClient } from '@aws-sdk/client-sqs';
import { provide } from '../container';
import { SqsSlotOpener } from '../sqs-queue';

provide('opener', (cfg) => new SqsSlotOpener(new SQSClient({}), cfg.OPEN_SLOTS_QUEUE_URL));
