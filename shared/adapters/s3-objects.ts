// Reading and moving uploaded objects on S3 (the receipt's side of the ObjectStore port): one
// streamed GET gives the size, the version, the first and last bytes, and the SHA-256. Nothing
// here imports the presigning libraries, so the receipt's bundle does not carry them (./s3.ts).
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  NoSuchKey,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { ListedObject, ObjectRead, ObjectReader } from '../app/ports';

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

/** CopySource is `bucket/key` with the key URL-encoded (slashes kept). */
const copySource = (bucket: string, key: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

const isNotFound = (err: unknown) =>
  err instanceof NotFound ||
  err instanceof NoSuchKey ||
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/**
 * A HEAD of a missing key answers 403, not 404, when the caller lacks s3:ListBucket (S3 will not
 * reveal whether a key exists); only the sweep (the reconciliation) has it, on submissions/. Every
 * role may read every key it heads (test/infra/iam-usage.test.ts proves it against the template),
 * so for a HEAD 403 means absent.
 */
const isAbsentOnHead = (err: unknown) =>
  isNotFound(err) || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403;

/** Keeps the first `lead` and the last `trail` bytes of a stream that passes by in chunks. */
export class Ends {
  private readonly head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  total = 0;
  constructor(
    private readonly lead: number,
    private readonly trail: number,
  ) {}
  push(chunk: Buffer) {
    this.total += chunk.length;
    if (this.headLen < this.lead) {
      const part = chunk.subarray(0, this.lead - this.headLen);
      this.head.push(part);
      this.headLen += part.length;
    }
    if (this.trail <= 0) return;
    this.tail.push(chunk);
    this.tailLen += chunk.length;
    // Drop whole chunks from the front while what is left still covers `trail` bytes.
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= this.trail) {
      this.tailLen -= this.tail.shift()!.length;
    }
  }
  leading(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.head));
  }
  trailing(): Uint8Array {
    const all = Buffer.concat(this.tail);
    return new Uint8Array(all.subarray(Math.max(0, all.length - this.trail)));
  }
}

export class S3ObjectReader implements ObjectReader {
  constructor(
    protected readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** ListObjectsV2, 1,000 keys a page, following the continuation token. */
  async *listObjects(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) yield { key: o.Key, lastModified: o.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isAbsentOnHead(err)) return false;
      throw err;
    }
  }

  async read(
    key: string,
    opts: { leadingBytes: number; trailingBytes: number; maxBytes: number },
  ): Promise<ObjectRead | null> {
    let g: GetObjectCommandOutput;
    try {
      g = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    // The bucket is versioned: the version this GET read is the one the receipt records and
    // every download pins, so the SHA-256 is the hash of the file the office gets.
    const versionId = g.VersionId && g.VersionId !== 'null' ? g.VersionId : undefined;
    const lastModified = g.LastModified ?? new Date();
    const body = g.Body as Readable | undefined;
    const declared = g.ContentLength ?? 0;
    const ends = new Ends(opts.leadingBytes, 0);
    if (declared > opts.maxBytes) {
      // Too big to be accepted: read only its first bytes (for the reason), hash nothing.
      if (body) {
        for await (const chunk of body) {
          ends.push(chunk as Buffer);
          if (ends.total >= opts.leadingBytes) break; // leaving the loop destroys the stream
        }
      }
      return {
        size: declared,
        lastModified,
        versionId,
        leading: ends.leading(),
        trailing: new Uint8Array(),
        sha256: null,
      };
    }
    const whole = new Ends(opts.leadingBytes, opts.trailingBytes);
    const hash = createHash('sha256');
    if (body) {
      for await (const chunk of body) {
        hash.update(chunk as Buffer);
        whole.push(chunk as Buffer);
      }
    }
    return {
      size: whole.total,
      lastModified,
      versionId,
      leading: whole.leading(),
      trailing: whole.trailing(),
      sha256: hash.digest('hex'),
    };
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
