// The ObjectStore port on S3: presigned POST uploads (the policy fixes key, size range and
// Content-Type; S3 enforces it — s3rver does not, so the receipt re-checks everything) and
// presigned downloads, on top of the reading side (./s3-objects.ts: one streamed GET, move).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore, PresignedPost } from '../app/ports';
import { S3ObjectReader } from './s3-objects';

export { makeS3Client } from './s3-objects';

/** S3 caps a presigned POST at what we allow: 15 minutes. */
export const MAX_POST_EXPIRY_SECONDS = 900;

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987): Chinese names survive. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'download';
  const star = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${star}`;
}

export class S3ObjectStore extends S3ObjectReader implements ObjectStore {
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

  presignGet(
    key: string,
    fileName: string,
    expiresSeconds: number,
    versionId?: string,
    contentType?: string,
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        VersionId: versionId,
        ResponseContentDisposition: contentDisposition(fileName),
        ...(contentType ? { ResponseContentType: contentType } : {}),
      }),
      { expiresIn: expiresSeconds },
    );
  }
}
