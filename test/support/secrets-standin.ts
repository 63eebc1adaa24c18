// A test-only stand-in for Secrets Manager's GetSecretValue (AWS JSON 1.1, `X-Amz-Target:
// secretsmanager.GetSecretValue`), so secrets are read through the real SDK client. Counts reads.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startSecretsStandIn(secrets: Record<string, string>) {
  const reads: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
    const target = String(req.headers['x-amz-target'] ?? '');
    const id = String(input.SecretId ?? '');
    const reply = (status: number, body: unknown, type?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(type ? { 'x-amzn-errortype': type } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (target !== 'secretsmanager.GetSecretValue')
      return reply(
        400,
        { __type: 'UnknownOperationException', message: target },
        'UnknownOperationException',
      );
    reads.push(id);
    if (!(id in secrets))
      return reply(
        400,
        { __type: 'ResourceNotFoundException', message: 'not found' },
        'ResourceNotFoundException',
      );
    return reply(200, { ARN: id, Name: id, SecretString: secrets[id], VersionId: 'v1' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    secrets,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
