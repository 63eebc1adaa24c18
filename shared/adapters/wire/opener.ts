// Lambda wiring: the slot-opening jobs' queue (for the functions that open slots: api, sweep).
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import { SqsSlotOpener } from '../sqs-queue';

export const slotOpener = (cfg: Config) => new SqsSlotOpener(new SQSClient({}), cfg.OPEN_SLOTS_QUEUE_URL);
