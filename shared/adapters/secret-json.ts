// A JSON secret from Secrets Manager, validated with zod, fetched once per container (at the first
// use, i.e. the cold start of the sender) and kept; a failed fetch is retried on the next use.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as z from 'zod';

export function secretJson<T>(client: SecretsManagerClient, secretId: string, schema: z.ZodType<T>) {
  let loading: Promise<T> | undefined;
  return (): Promise<T> => {
    loading ??= (async () => {
      const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      let value: unknown;
      try {
        value = JSON.parse(r.SecretString ?? '');
      } catch {
        throw new Error(`secret ${secretId} is not JSON`);
      }
      const parsed = schema.safeParse(value);
      // Field names only: a secret's values never reach an error message or a log line.
      if (!parsed.success)
        throw new Error(
          `secret ${secretId} is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
        );
      return parsed.data;
    })().catch((err) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
