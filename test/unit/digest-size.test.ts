// The office digest on a bad day: 10,000 overdue slots. Every queued message stays well under
// SQS's 256 KB (the digest is split between lines into numbered parts), every SendMessageBatch too,
// and no line is lost. Bouncing contacts are listed.
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_BYTES, batches, SqsQueue } from '../../shared/adapters/sqs-queue';
import type { OutgoingMessage } from '../../shared/app/ports';
import { DIGEST_PART_BYTES, digestParts } from '../../shared/domain/digest';
import { type DigestItem, officeDigestMessage } from '../../shared/domain/messages';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const KB = 1024;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const overdue = (n: number): DigestItem[] =>
  Array.from({ length: n }, (_, i) => ({
    unitName: `第${i}号单位（某某街道办事处综合行政执法队）`,
    obligationName: i % 2 ? '年度依法行政工作总结' : '依法行政广场宣传咨询活动记录',
    period: i % 2 ? '2026' : '2026-10',
    effectiveDeadline: '2026-11-05',
    lateDays: 10 + (i % 7),
    newlyOverdue: i % 10 === 0,
  }));

describe('office digest at 10,000 overdue slots', () => {
  const m = officeDigestMessage(overdue(10_000), '2026-11-20');
  const parts = digestParts(m);

  it('is split into numbered parts, each under DIGEST_PART_BYTES', () => {
    expect(bytes(m.text)).toBeGreaterThan(256 * KB); // one message could not carry it
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, k) => {
      expect(bytes(p.text)).toBeLessThanOrEqual(DIGEST_PART_BYTES);
      expect(p.subject).toBe(`${m.subject}（第${k + 1}/${parts.length}部分）`);
      expect(p.text.startsWith(`（第${k + 1}/${parts.length}部分`)).toBe(true);
    });
  });

  it('loses no line and keeps their order', () => {
    const joined = parts.flatMap((p) => p.text.split('\n').slice(1));
    expect(joined).toEqual(m.text.split('\n'));
  });

  it('every queued message is well under 256 KB, and so is every SendMessageBatch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const msgs: OutgoingMessage[] = parts.map((p, k) => ({
      id: `digest:2026-11-20:email:0${k ? `:part${k + 1}` : ''}`,
      channel: 'email',
      to: 'office@example.gov.cn',
      subject: p.subject,
      text: p.text,
      unitId: '_office',
      kind: 'digest',
      recipient: 'office',
    }));
    await new SqsQueue(new SQSClient({}), 'https://sqs.example/q').enqueue(msgs);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.flat()).toHaveLength(msgs.length);
    for (const entries of calls) {
      const total = entries.reduce((n, e) => n + bytes(e.MessageBody ?? ''), 0);
      expect(total).toBeLessThanOrEqual(BATCH_BYTES);
      for (const e of entries) expect(bytes(e.MessageBody ?? '')).toBeLessThan(128 * KB);
    }
  });

  it('a short digest stays one part with its subject unchanged', () => {
    const small = officeDigestMessage(overdue(3), '2026-11-20');
    expect(digestParts(small)).toEqual([{ subject: small.subject, text: small.text }]);
  });
});

describe('batches', () => {
  it('at most 10 per batch, and at most BATCH_BYTES unless a single body is bigger', () => {
    const bodies = [...Array.from({ length: 25 }, () => 'x'), 'y'.repeat(150 * KB), 'z'.repeat(150 * KB)];
    const out = batches(bodies);
    expect(out.flat()).toEqual(bodies);
    expect(out.map((b) => b.length)).toEqual([10, 10, 6, 1]); // 5 small + 150 KB fit; the next 150 KB does not
  });
});

describe('bouncing contacts in the digest', () => {
  it('lists unit, role, name and bounce or complaint — never an address', () => {
    const m = officeDigestMessage(overdue(1), '2026-11-20', undefined, [
      { unitName: '南湖镇', role: 'liaison', name: '王五', type: 'bounce' },
      { unitName: '城关镇', role: 'leader', name: '赵六', type: 'complaint' },
    ]);
    expect(m.text).toContain('1. 南湖镇 联络员 王五（退信）');
    expect(m.text).toContain('2. 城关镇 负责人 赵六（投诉）');
    expect(m.text).not.toContain('@');
  });
});
