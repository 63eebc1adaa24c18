// Every Lambda of the system: its entry file and what it touches (the stack grants exactly that).
export type FunctionSpec = {
  entry: string; // relative to the project root
  description: string;
  table: 'read-write';
  bucket?: Array<'put' | 'get' | 'delete'>;
  sendsToNotifyQueue?: boolean;
  sendsEmailAndSms?: boolean;
};

export const functionSpecs = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'HTTP: units, obligations, settings, calendar, boards, office actions',
    table: 'read-write',
  },
  uploads: {
    entry: 'functions/uploads/handler.ts',
    description: 'HTTP: presigned uploads, submissions, review',
    table: 'read-write',
    bucket: ['put', 'get'],
    sendsToNotifyQueue: true, // the 退回修改 notice when the office returns a submission
  },
  chase: {
    entry: 'functions/chase/handler.ts',
    description: 'HTTP: chase-up (催报)',
    table: 'read-write',
    sendsToNotifyQueue: true,
  },
  receipt: {
    entry: 'functions/receipt/handler.ts',
    description: 'S3 object-created (via SQS) → record the submission, queue the receipt',
    table: 'read-write',
    bucket: ['get', 'put', 'delete'],
    sendsToNotifyQueue: true,
  },
  sweep: {
    entry: 'functions/sweep/handler.ts',
    description: 'Daily 09:00 Asia/Shanghai: open slots, plan reminders/escalations, digest',
    table: 'read-write',
    sendsToNotifyQueue: true,
  },
  sender: {
    entry: 'functions/sender/handler.ts',
    description: 'SQS → SES email and End User Messaging SMS, exactly once',
    table: 'read-write',
    // A throttled message goes back on the queue as a delayed copy (never counted toward the DLQ).
    sendsToNotifyQueue: true,
    sendsEmailAndSms: true,
  },
  bounces: {
    entry: 'functions/bounces/handler.ts',
    description: 'SES bounce and complaint events (via EventBridge and SQS) → mark the contact address',
    table: 'read-write',
  },
} satisfies Record<string, FunctionSpec>;

/** Concurrent sender batches (the event source's maxConcurrency; the sender paces by it). */
export const SENDER_CONCURRENCY = 2;

export type LambdaName = keyof typeof functionSpecs;

/** Environment variables every function reads (parsed with zod in shared/adapters/config.ts). */
export const ENV = {
  table: 'TABLE_NAME',
  bucket: 'BUCKET_NAME',
  notifyQueueUrl: 'NOTIFY_QUEUE_URL',
  smsOriginationIdentity: 'SMS_ORIGINATION_IDENTITY',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  webBaseUrl: 'WEB_BASE_URL',
} as const;
