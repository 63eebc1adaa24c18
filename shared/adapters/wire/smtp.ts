// The china profile's mailer (nodemailer over SMTP, its settings from Secrets Manager). Loaded by
// wire/senders.ts with a dynamic import that the global profile's bundle leaves out.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretJson } from '../secret-json';
import { SmtpMailer, smtpConfigSchema } from '../smtp-mailer';

export const smtpMailer = (secretArn: string) =>
  new SmtpMailer(secretJson(new SecretsManagerClient({}), secretArn, smtpConfigSchema));
