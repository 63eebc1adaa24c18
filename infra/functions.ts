// Every Lambda of the system: its entry file and what it touches (the stack grants exactly that,
// and test/infra/iam-usage.test.ts proves it is exactly what the code sends: nothing missing,
// nothing extra — when it fails, it names the action and resource to add here or drop).

/** DynamoDB actions a function may use on the table's items (never Scan, DeleteItem or streams). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  | 'DeleteItem';
export type IndexName = 'GSI1' | 'GSI2' | 'GSI3';

export type FunctionSpec = {
  entry: string; // relative to the project root
  description: string;
  /** Actions on the table; `indexes`: the GSIs it queries (dynamodb:Query on each). */
  table: { actions: TableAction[]; indexes?: IndexName[] };
  /** Object access, by verb (the stack scopes each to key prefixes): `getVersion` is a read that
   *  names a VersionId (s3:GetObjectVersion), `get` one that does not (s3:GetObject, HEAD too);
   *  `list` is s3:ListBucket on the bucket, conditioned on the listed prefix. */
  bucket?: Array<'list' | 'put' | 'get' | 'getVersion' | 'delete'>;
  sendsToNotifyQueue?: boolean;
  /** Queues slot-opening jobs (the opener function runs them). */
  sendsToOpenSlotsQueue?: boolean;
  sendsEmailAndSms?: boolean;
  /** Administers the Cognito user pool (global profile): the users routes, a unit's deactivation. */
  administersUsers?: boolean;
};

export const functionSpecs = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'HTTP: units, obligations, events, settings, calendar, boards, office actions, users',
    // UpdateItem: a unit's year score card, set in the same transaction as each slot it writes.
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      indexes: ['GSI1', 'GSI3'],
    },
    administersUsers: true,
    // The request notices (报送通知) of the slots an event opens (a one-off request's and a new
    // unit's slots are opened, and told, by the opener).
    sendsToNotifyQueue: true,
    sendsToOpenSlotsQueue: true, // a new unit's, a new or changed obligation's slots
  },
  uploads: {
    entry: 'functions/uploads/handler.ts',
    description: 'HTTP: presigned uploads, submissions, review',
    // UpdateItem: the per-unit count of upload forms (a conditional ADD); the score card (review).
    table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
    // presigned POSTs (submissions, templates); download links pin the received version; a
    // template's leading bytes are read (no VersionId) before its download link is handed out
    bucket: ['put', 'get', 'getVersion'],
    sendsToNotifyQueue: true, // the 退回修改 notice when the office returns a submission
  },
  chase: {
    entry: 'functions/chase/handler.ts',
    description: 'HTTP: chase-up (催报)',
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] }, // UpdateItem: score cards
    sendsToNotifyQueue: true,
  },
  receipt: {
    entry: 'functions/receipt/handler.ts',
    description: 'S3 object-created (via SQS) → record the submission, queue the receipt',
    table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] }, // UpdateItem: score cards
    bucket: ['get', 'put', 'delete'], // HEAD and one GET (no VersionId); quarantine: copy + delete
    sendsToNotifyQueue: true,
  },
  sweep: {
    entry: 'functions/sweep/handler.ts',
    description:
      'Daily 09:00 Asia/Shanghai: record stored uploads that got no receipt; open slots, plan reminders/escalations, digest',
    table: {
      // UpdateItem: the score cards of the slots it writes
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      indexes: ['GSI2', 'GSI3'],
    },
    // The reconciliation: list submissions/, then what the receipt does (read; quarantine: copy + delete).
    bucket: ['list', 'get', 'put', 'delete'],
    sendsToNotifyQueue: true,
    sendsToOpenSlotsQueue: true, // the first sweep of a year queues the year's opening
  },
  sender: {
    entry: 'functions/sender/handler.ts',
    description: 'SQS → SES email and End User Messaging SMS, exactly once',
    table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
    // A throttled message goes back on the queue as a delayed copy (never counted toward the DLQ).
    sendsToNotifyQueue: true,
    sendsEmailAndSms: true,
  },
  bounces: {
    entry: 'functions/bounces/handler.ts',
    description: 'SES bounce and complaint events (via EventBridge and SQS) → mark the contact address',
    table: { actions: ['GetItem', 'PutItem'] },
  },
  opener: {
    entry: 'functions/opener/handler.ts',
    description: "SQS slot-opening jobs → open one obligation's slots for up to 200 units",
    // UpdateItem: the score card of each slot it opens (same transaction); BatchWriteItem: the audit lines
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
    // The request notices (报送通知) of the slots a job opens, when they are owed that day.
    sendsToNotifyQueue: true,
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
  openSlotsQueueUrl: 'OPEN_SLOTS_QUEUE_URL',
  smsOriginationIdentity: 'SMS_ORIGINATION_IDENTITY',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  webBaseUrl: 'WEB_BASE_URL',
  userPoolId: 'USER_POOL_ID',
  oidcIssuer: 'OIDC_ISSUER',
  roleClaim: 'ROLE_CLAIM',
  unitClaim: 'UNIT_CLAIM',
  smtpSecretArn: 'SMTP_SECRET_ARN',
  smsSecretArn: 'SMS_SECRET_ARN',
} as const;
