// The receipt pins the object version it read (the bucket is versioned on AWS; s3rver has no
// versions, so this contract is checked against the SDK with a mocked client).
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../shared/adapters/s3';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
// The two ways the adapter reads a body: transformToByteArray and async iteration.
const body = (text: string) =>
  Object.assign(Readable.from([Buffer.from(text)]), {
    transformToByteArray: async () => new Uint8Array(Buffer.from(text)),
  });

describe('S3ObjectStore and object versions', () => {
  it('reads the leading bytes and the hash from the version the HEAD saw, and downloads pin it', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 9, LastModified: new Date(), VersionId: 'v-1' });
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body('%PDF-1.7\n') }) as never);
    const store = new S3ObjectStore(
      new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      'bucket',
    );
    const head = await store.head('submissions/k', 5);
    expect(head?.versionId).toBe('v-1');
    await store.sha256('submissions/k', head?.versionId);
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets.map((g) => g.VersionId)).toEqual(['v-1', 'v-1']);
    const url = await store.presignGet('submissions/k', '报告.pdf', 300, 'v-1');
    expect(new URL(url).searchParams.get('versionId')).toBe('v-1');
  });

  it('treats an unversioned object ("null") as no version', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 0, LastModified: new Date(), VersionId: 'null' });
    const store = new S3ObjectStore(
      new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      'bucket',
    );
    expect((await store.head('submissions/k', 5))?.versionId).toBeUndefined();
  });
});
