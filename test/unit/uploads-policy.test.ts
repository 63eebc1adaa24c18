// The presigned POST's policy, decoded: s3rver enforces none of it, so the policy itself is what
// we assert on (SPEC §4.1: exact key, content-length-range ≤ maxBytes, Content-Type, ≤ 15 min).
import { describe, expect, it } from 'vitest';
import { contentDisposition, makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';

const client = makeS3Client({
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const store = new S3ObjectStore(client, 'uploads-bucket');
const key = 'submissions/annual-plan/2026/town-a/01JABCDEFGHJKMNPQRSTVWXYZ0';

type Policy = { expiration: string; conditions: unknown[] };
const decode = (b64: string): Policy => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));

async function presign(expiresSeconds = 900) {
  const before = Date.now();
  const post = await store.presignPost({
    key,
    contentType: 'application/pdf',
    maxBytes: 50 * 1024 * 1024,
    expiresSeconds,
    metadata: { filename: encodeURIComponent('工作计划.pdf') },
  });
  return { post, policy: decode(post.fields.Policy!), before };
}

describe('presigned POST policy', () => {
  it('fixes the exact key, both as a field and as an eq condition', async () => {
    const { post, policy } = await presign();
    expect(post.fields.key).toBe(key);
    expect(policy.conditions).toContainEqual({ key });
    expect(policy.conditions).toContainEqual(['eq', '$key', key]);
    expect(policy.conditions.some((c) => Array.isArray(c) && c[0] === 'starts-with')).toBe(false);
  });

  it('limits the length to 1..maxBytes', async () => {
    const { policy } = await presign();
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 50 * 1024 * 1024]);
  });

  it('fixes the Content-Type and the bucket', async () => {
    const { post, policy } = await presign();
    expect(post.fields['Content-Type']).toBe('application/pdf');
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'application/pdf']);
    expect(policy.conditions).toContainEqual({ bucket: 'uploads-bucket' });
  });

  it('carries the cleaned file name as percent-encoded metadata', async () => {
    const { post, policy } = await presign();
    const encoded = encodeURIComponent('工作计划.pdf');
    expect(post.fields['x-amz-meta-filename']).toBe(encoded);
    expect(policy.conditions).toContainEqual(['eq', '$x-amz-meta-filename', encoded]);
    expect(post.fields['x-amz-meta-filename']).toMatch(/^[\x21-\x7e]+$/);
  });

  it('expires within 15 minutes, even when asked for longer; expiresAt is the policy’s', async () => {
    for (const asked of [60, 900, 3600]) {
      const { post, policy, before } = await presign(asked);
      const exp = Date.parse(policy.expiration);
      expect(exp - before).toBeLessThanOrEqual(Math.min(asked, 900) * 1000 + 1000);
      expect(exp - before).toBeGreaterThan(0);
      expect(Date.parse(post.expiresAt)).toBe(exp);
    }
  });

  it('is signed (SigV4 fields present)', async () => {
    const { post } = await presign();
    expect(post.fields['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
    expect(post.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(post.url).toContain('uploads-bucket');
  });
});

describe('download Content-Disposition', () => {
  it('keeps a Chinese name in filename* and an ASCII fallback without quotes', () => {
    const v = contentDisposition('年度"计划".pdf');
    expect(v).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(v).toContain(encodeURIComponent('年度'));
    expect(v.split('filename*=')[0]).not.toMatch(/"[^"]*"[^;]*"/);
  });
});
