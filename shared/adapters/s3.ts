// The ObjectStore port on S3: presigned POST uploads (the policy fixes key, size range and
// Content-Type; S3 enforces it — s3rver does not, so the receipt re-checks everything), presigned
// downloads, HEAD + a ranged GET for the leading bytes, a streamed SHA-256, and move (copy + delete).
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore, PresignedPost } from '../app/ports';

/** S3 caps a presigned POST at what we allow: 15 minutes. */
export const MAX_POST_EXPIRY_SECONDS = 900;

/**
 * An S3 client as every function uses it. `endpoint` (the local stand-in) switches on path-style
 * addressing. WHEN_REQUIRED: otherwise presigned URLs carry an empty-body CRC32 and streamed
 * bodies are stored with chunk framing by stand-ins.
 */
export function makeS3Client(opts: { endpoint?: string } & Partial<S3ClientConfig> = {}): S3Client {
  const { endpoint, ...rest } = opts;
  return new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...rest,
  });
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987): Chinese names survive. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'download';
  const star = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${star}`;
}

/** CopySource is `bucket/key` with the key URL-encoded (slashes kept). */
const copySource = (bucket: string, key: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

const isNotFound = (err: unknown) =>
  err instanceof NotFound ||
  err instanceof NoSuchKey ||
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/**
 * A HEAD of a missing key answers 403, not 404, when the caller lacks s3:ListBucket (S3 will not
 * reveal whether a key exists), and no role here has it. The role may read every key it heads
 * (test/infra/iam-usage.test.ts proves it against the template), so for a HEAD 403 means absent.
 */
const isAbsentOnHead = (err: unknown) =>
  isNotFound(err) || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async presignPost(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresSeconds: number;
    metadata: Record<string, string>;
  }): Promise<PresignedPost> {
    const { key, contentType, maxBytes } = input;
    const Expires = Math.max(1, Math.min(input.expiresSeconds, MAX_POST_EXPIRY_SECONDS));
    const meta = Object.fromEntries(
      Object.entries(input.metadata).map(([k, v]) => [`x-amz-meta-${k.toLowerCase()}`, v]),
    );
    // createPresignedPost adds `{ field: value }` conditions for every field and `{ key }`; the
    // explicit `eq` conditions say the same in the form S3's documentation uses.
    const r = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Expires,
      Fields: { 'Content-Type': contentType, ...meta },
      Conditions: [
        ['eq', '$key', key],
        ['content-length-range', 1, maxBytes],
        ['eq', '$Content-Type', contentType],
        ...Object.entries(meta).map(([k, v]) => ['eq', `$${k}`, v] as ['eq', string, string]),
      ],
    });
    const policy = JSON.parse(Buffer.from(r.fields.Policy ?? '', 'base64').toString('utf8')) as {
      expiration: string;
    };
    return { url: r.url, fields: r.fields, expiresAt: new Date(policy.expiration).toISOString() };
  }

  presignGet(key: string, fileName: string, expiresSeconds: number, versionId?: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        VersionId: versionId,
        ResponseContentDisposition: contentDisposition(fileName),
      }),
      { expiresIn: expiresSeconds },
    );
  }

  async head(key: string, bytes: number) {
    let size: number;
    let lastModified: Date;
    let versionId: string | undefined;
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      size = h.ContentLength ?? 0;
      lastModified = h.LastModified ?? new Date();
      // The bucket is versioned: every later read pins this version, so the SHA-256 in the
      // receipt is the hash of the file the office downloads, even if the key is posted again.
      versionId = h.VersionId && h.VersionId !== 'null' ? h.VersionId : undefined;
    } catch (err) {
      if (isAbsentOnHead(err)) return null;
      throw err;
    }
    if (size === 0 || bytes <= 0) return { size, lastModified, versionId, leading: new Uint8Array() };
    try {
      const g = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          VersionId: versionId,
          Range: `bytes=0-${Math.min(bytes, size) - 1}`,
        }),
      );
      const all = g.Body ? await g.Body.transformToByteArray() : new Uint8Array();
      return { size, lastModified, versionId, leading: all.subarray(0, bytes) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async sha256(key: string, versionId?: string): Promise<string> {
    const g = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
    );
    const hash = createHash('sha256');
    for await (const chunk of g.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: toKey,
        CopySource: copySource(this.bucket, fromKey),
      }),
    );
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fromKey }));
  }
}
