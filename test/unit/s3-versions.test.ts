// The receipt pins the object version it read (the bucket is versioned on AWS; s3rver has no
// versions, so this contract is checked against the SDK with a mocked client — the one place a
// mock stands in for a happy path, because no stand-in here keeps versions).
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../shared/adapters/s3';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const store = () =>
  new S3ObjectStore(
    new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    'bucket',
  );
const opts = { leadingBytes: 5, trailingBytes: 6, maxBytes: 100 };

describe('S3ObjectStore.read: one streamed GET, and object versions', () => {
  it('reads size, ends and hash in one GET of the version it answered, and downloads pin it', async () => {
    const text = ['%PDF-1.7\n', 'body ', 'more\n%%EOF\n'];
    s3.on(GetObjectCommand).callsFake(
      () => ({ Body: body(...text), ContentLength: 25, LastModified: new Date(), VersionId: 'v-1' }) as never,
    );
    const r = await store().read('submissions/k', opts);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    expect(r?.versionId).toBe('v-1');
    expect(r?.size).toBe(text.join('').length);
    expect(Buffer.from(r!.leading).toString()).toBe('%PDF-');
    expect(Buffer.from(r!.trailing).toString()).toBe('%%EOF\n');
    expect(r?.sha256).toBe(createHash('sha256').update(text.join('')).digest('hex'));
    const url = await store().presignGet('submissions/k', '报告.pdf', 300, r?.versionId);
    expect(new URL(url).searchParams.get('versionId')).toBe('v-1');
  });

  it('treats an unversioned object ("null") as no version', async () => {
    s3.on(GetObjectCommand).callsFake(
      () => ({ Body: body(''), ContentLength: 0, LastModified: new Date(), VersionId: 'null' }) as never,
    );
    const r = await store().read('submissions/k', opts);
    expect(r?.versionId).toBeUndefined();
    expect(r?.size).toBe(0);
  });

  it('an object over maxBytes: its first bytes only, no hash', async () => {
    s3.on(GetObjectCommand).callsFake(
      () =>
        ({
          Body: body('PK\x03\x04', 'x'.repeat(200)),
          ContentLength: 204,
          LastModified: new Date(),
        }) as never,
    );
    const r = await store().read('submissions/k', opts);
    expect(r?.size).toBe(204);
    expect(r?.sha256).toBeNull();
    expect(Buffer.from(r!.leading).toString('latin1')).toBe('PK\x03\x04x');
  });
});
