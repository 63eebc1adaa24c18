// Environment configuration, validated with zod at cold start.
import * as z from 'zod';

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1).optional(),
  NOTIFY_QUEUE_URL: z.string().url().optional(),
  /** The slot-opening jobs' queue (the api and the sweep queue jobs; the opener function runs them). */
  OPEN_SLOTS_QUEUE_URL: z.string().url().optional(),
  SMS_ORIGINATION_IDENTITY: z.string().min(1).optional(),
  /** The SES configuration set every email is sent with (bounce and complaint events). */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  /** The web pages' address (the CloudFront URL); notices link to it. Without it they carry no link. */
  WEB_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Global profile: the Cognito user pool the users routes administer. */
  USER_POOL_ID: z.string().min(1).optional(),
  /** China profile: the OpenID Connect issuer where users are managed (named in the users routes' answers). */
  OIDC_ISSUER: z.string().url().optional(),
  /** China profile: the secrets with the SMTP and the Alibaba Cloud SMS settings (the sender's only). */
  SMTP_SECRET_ARN: z.string().min(1).optional(),
  SMS_SECRET_ARN: z.string().min(1).optional(),
  /** Local runtime only: endpoints of the stand-ins. */
  AWS_ENDPOINT_URL_DYNAMODB: z.string().url().optional(),
  AWS_ENDPOINT_URL_S3: z.string().url().optional(),
  AWS_ENDPOINT_URL_SES: z.string().url().optional(),
  AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: z.string().url().optional(),
});
export type Config = z.infer<typeof envSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const fields = r.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`invalid configuration: ${fields}`);
  }
  return r.data;
}

/** The sender's `SENDER_CONCURRENCY`: how many batches its event source runs at once, sharing the
 *  SES rate (the stack sets it; the local runtime runs 1). Read per batch; 2 when unset or invalid. */
export function senderInstances(env: NodeJS.ProcessEnv = process.env): number {
  const r = z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .safeParse(env.SENDER_CONCURRENCY ?? 2);
  return r.success ? r.data : 2;
}
