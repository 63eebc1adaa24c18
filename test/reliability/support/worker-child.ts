// One function's work in a child process the fault tests can SIGKILL part-way: the sweep use case
// (MODE=sweep) or the sender handler on one SQS batch (MODE=sender, the event in BATCH_FILE), on
// the stand-ins the parent names, with the real SDK clients. After every SDK command that
// changes something (a DynamoDB write, an SQS send, an email or SMS sent) it prints `STEP <n>`, so
// the parent can kill it after a chosen step. Prints `DONE` at the end.
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { handler as sender } from '../../../functions/sender/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/standins';
import { SettableClock } from '../../../shared/adapters/clock';
import { setDeps } from '../../../shared/adapters/container';
import { DynamoStore } from '../../../shared/adapters/dynamo/store';
import { setLogLevel } from '../../../shared/adapters/logger';
import { SesMailer } from '../../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../../shared/adapters/sms-sender';
import { SqsQueue } from '../../../shared/adapters/sqs-queue';
import { sweep } from '../../../shared/app/sweep';

setLogLevel('SILENT');
const env = process.env;
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const WRITES = /^(PutItem|UpdateItem|TransactWriteItems|BatchWriteItem|SendMessage|SendMessageBatch|SendEmail|SendRawEmail|SendTextMessage)Command$/;
let step = 0;
const stepper = (client: { middlewareStack: { add: (...a: never[]) => void } }) =>
  (client.middlewareStack.add as unknown as (mw: unknown, o: unknown) => void)(
    (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
      const out = await next(args);
      if (WRITES.test(ctx.commandName ?? '')) process.stdout.write(`STEP ${++step}\n`);
      return out;
    },
    { step: 'initialize', name: 'faultStep' },
  );
const ddb = new DynamoDBClient({ ...common, endpoint: env.DYNAMODB });
const sqs = new SQSClient({ ...common, endpoint: env.SQS });
const ses = new SESClient({ ...common, endpoint: env.SES, maxAttempts: 1 });
const sms = new PinpointSMSVoiceV2Client({ ...common, endpoint: env.SMS, maxAttempts: 1 });
for (const c of [ddb, sqs, ses, sms]) stepper(c as never);
const store = new DynamoStore(ddb, env.TABLE!);
const clock = new SettableClock();
clock.set(new Date(env.AT!));
const queue = new SqsQueue(sqs, env.QUEUE_URL);
setDeps({ store, clock, queue, mailer: new SesMailer(ses), sms: new PinpointSmsSender(sms) });

if (env.MODE === 'sweep') {
  await sweep({ store, queue }, clock.now());
} else {
  const event = JSON.parse(readFileSync(env.BATCH_FILE!, 'utf8')) as SQSEvent;
  const r = await sender(event, { functionName: 'sender', awsRequestId: 'child' } as Context);
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}
process.stdout.write('DONE\n');
process.exit(0);
