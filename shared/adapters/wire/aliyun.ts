// The china profile's SMS sender (Alibaba Cloud SMS, its settings from Secrets Manager). Loaded by
// wire/senders.ts with a dynamic import that the global profile's bundle leaves out.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AliyunSmsSender, aliyunSmsConfigSchema } from '../aliyun-sms';
import { secretJson } from '../secret-json';

export const aliyunSms = (secretArn: string) =>
  new AliyunSmsSender(secretJson(new SecretsManagerClient({}), secretArn, aliyunSmsConfigSchema));
