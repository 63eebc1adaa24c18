// Uploads end to end over HTTP on the local runtime: a unit asks for a presigned POST, posts the
// file to the local S3 as a browser would, and polls its submission until the receipt (S3 event →
// queue → receipt handler) has recorded it — as a client on AWS does.
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../../infra/local/plugins';
import { BUCKET, type LocalRuntime, startLocal } from '../../infra/local/server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { idle, uploadsQueue } from '../../infra/local/uploads-pipeline';
import { makeS3Client } from '../../shared/adapters/s3';

let rt: LocalRuntime;
const UNIT = 'e2e-town';
const LIAISON = 'liaison@e2e-town.example.gov.cn';
let unitToken = '';
let officeToken = '';

// ---- test files -----------------------------------------------------------------------------

/** A small but valid one-page PDF (correct xref offsets). */
function tinyPdf(): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A minimal stored (uncompressed) zip, as DOCX, XLSX and OFD files are zip containers. */
function tinyZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += local.length + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const PDF = tinyPdf();
const DOCX = tinyZip({
  '[Content_Types].xml':
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  'word/document.xml': '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
});
const OFD = tinyZip({ 'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>' });
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// ---- HTTP helpers ---------------------------------------------------------------------------

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${rt.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function token(body: object): Promise<string> {
  return (await api('/dev/token', { method: 'POST', body })).body.token;
}

const setClock = (now: string | null) => api('/dev/clock', { method: 'POST', body: { now } });

type Upload = {
  submissionId: string;
  key: string;
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
};

async function upload(
  obligationId: string,
  period: string,
  fileName: string,
  contentType: string,
  bytes: Buffer,
) {
  const r = await api('/v1/uploads', {
    method: 'POST',
    token: unitToken,
    body: { obligationId, period, fileName, contentType, size: bytes.length },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const up = r.body as Upload;
  const form = new FormData();
  for (const [k, v] of Object.entries(up.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
  const posted = await fetch(up.url, { method: 'POST', body: form });
  expect(posted.status).toBe(204);
  return up;
}

/** Polls the submission until the receipt has recorded it, as a client does. */
async function settled(submissionId: string, tok = unitToken) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await api(`/v1/submissions/${submissionId}`, { token: tok });
    expect(r.status).toBe(200);
    if (r.body.state !== 'awaiting-upload') return r.body;
    if (Date.now() > deadline) throw new Error(`submission ${submissionId} still awaiting upload`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

type Email = { to: string; subject: string; text: string };
/** The liaison's emails in the outbox (SES stand-in, through the notification pipeline). */
async function liaisonEmails(): Promise<Email[]> {
  const r = await api('/dev/outbox');
  expect(r.status).toBe(200);
  return (r.body.emails as Email[]).filter((e) => e.to === LIAISON);
}

async function emailContaining(needle: string): Promise<Email> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await liaisonEmails()).find((e) => e.text.includes(needle));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email to ${LIAISON} containing ${needle}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

// ---- the runtime ----------------------------------------------------------------------------

beforeAll(async () => {
  rt = await startLocal({ plugins, quiet: true });
  officeToken = await token({ role: 'office' });
  unitToken = await token({ role: 'unit', unitId: UNIT });
  await setClock('2026-04-10T10:00:00+08:00');
  // A unit of our own, written "in 2026": its 2026 slots open whatever year the machine is in.
  const put = await api(`/v1/units/${UNIT}`, {
    method: 'PUT',
    token: officeToken,
    body: {
      name: '测试镇',
      kind: 'town',
      tags: [],
      contacts: [
        { role: 'liaison', name: '联络员', email: LIAISON },
        { role: 'leader', name: '负责人', email: 'leader@e2e-town.example.gov.cn' },
      ],
    },
  });
  expect(put.status).toBeLessThan(300);
}, 180_000);

afterAll(async () => {
  await rt?.stop();
});

describe('uploads over HTTP (local runtime)', () => {
  let pdfId = '';
  let docxId = '';

  it('a real PDF posted through the returned form is received with the right SHA-256 and a receipt email', async () => {
    const up = await upload('annual-summary', '2026', '2026年度依法行政工作总结.pdf', 'application/pdf', PDF);
    expect(up.key).toBe(`submissions/annual-summary/2026/${UNIT}/${up.submissionId}`);
    const sub = await settled(up.submissionId);
    expect(sub).toMatchObject({
      state: 'received',
      unitId: UNIT,
      fileName: '2026年度依法行政工作总结.pdf',
      size: PDF.length,
      sha256: sha(PDF),
      onTime: true,
      lateDays: 0,
      receivedAt: '2026-04-10T02:00:00.000Z', // the /dev/clock time
    });
    expect(sub.downloadUrl).toMatch(/^http/);
    const file = await fetch(sub.downloadUrl);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    const mail = await emailContaining(sha(PDF));
    expect(mail.subject).toContain('回执');
    expect(mail.text).toContain('按时');
    expect(mail.text.endsWith(`\n查看回执：${rt.url}/#/u/annual-summary/2026`)).toBe(true);
    pdfId = up.submissionId;
  });

  it('a PNG renamed .pdf is rejected, with the reason', async () => {
    const up = await upload('half-year-report', '2026', 'scan.pdf', 'application/pdf', PNG);
    const sub = await settled(up.submissionId);
    expect(sub.state).toBe('rejected');
    expect(sub.rejectReason).toContain('PNG');
    expect(sub.downloadUrl).toBeUndefined();
    const mail = await emailContaining(sub.rejectReason);
    expect(mail.text.endsWith(`\n在线报送：${rt.url}/#/u/half-year-report/2026`)).toBe(true);
  });

  it('a DOCX and an OFD (zip containers) are accepted', async () => {
    const docx = await upload(
      'half-year-report',
      '2026',
      '半年进展.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      DOCX,
    );
    const ofd = await upload('law-study', '2026', '集体学法记录.ofd', 'application/ofd', OFD);
    expect((await settled(docx.submissionId)).state).toBe('received');
    expect((await settled(ofd.submissionId)).state).toBe('received');
    docxId = docx.submissionId;
  });

  it('after the effective deadline an upload is late by working days (2026-04-20 due, 04-23 → 3)', async () => {
    await setClock('2026-04-23T10:00:00+08:00');
    try {
      const up = await upload('annual-plan', '2026', '工作计划.pdf', 'application/pdf', PDF);
      const sub = await settled(up.submissionId);
      expect(sub).toMatchObject({ state: 'received', onTime: false, lateDays: 3 });
      const slots = await api(`/v1/units/${UNIT}/slots?year=2026`, { token: unitToken });
      const slot = slots.body.items.find((s: { obligationId: string }) => s.obligationId === 'annual-plan');
      expect(slot).toMatchObject({
        state: 'submitted',
        onTime: false,
        lateDays: 3,
        effectiveDeadline: '2026-04-20',
      });
      await emailContaining('逾期3个工作日');
    } finally {
      await setClock('2026-04-10T10:00:00+08:00');
    }
  });

  it('a unit cannot upload to, or read, another unit’s slot (403); the office cannot request an upload', async () => {
    const other = await api('/v1/uploads', {
      method: 'POST',
      token: unitToken,
      body: {
        obligationId: 'annual-plan',
        period: '2026',
        unitId: 'nanhu-town',
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: 10,
      },
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const nanhu = await token({ role: 'unit', unitId: 'nanhu-town' });
    expect((await api(`/v1/submissions/${pdfId}`, { token: nanhu })).status).toBe(403);
    const office = await api('/v1/uploads', {
      method: 'POST',
      token: officeToken,
      body: {
        obligationId: 'annual-plan',
        period: '2026',
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: 10,
      },
    });
    expect(office.status).toBe(403);
  });

  it('upload requests are checked: too large 413, wrong type 415, no slot 404, bad body 400', async () => {
    const base = {
      obligationId: 'annual-summary',
      period: '2026',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
    };
    const post = (body: object) => api('/v1/uploads', { method: 'POST', token: unitToken, body });
    expect((await post({ ...base, size: 50 * 1024 * 1024 + 1 })).body.error.code).toBe('too_large');
    expect(
      (await post({ ...base, size: 10, fileName: 'a.exe', contentType: 'application/x-msdownload' })).status,
    ).toBe(415);
    expect((await post({ ...base, size: 10, period: '2031' })).status).toBe(404);
    const bad = await post({ ...base, size: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('size');
  });

  it('review: accept closes the slot to uploads (409); return reopens it with a resubmit-by date', async () => {
    const accepted = await api(`/v1/submissions/${pdfId}/review`, {
      method: 'POST',
      token: officeToken,
      body: { decision: 'accept', comment: '符合要求' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      state: 'accepted',
      review: { decision: 'accept', comment: '符合要求' },
    });
    const again = await api('/v1/uploads', {
      method: 'POST',
      token: unitToken,
      body: {
        obligationId: 'annual-summary',
        period: '2026',
        fileName: 'b.pdf',
        contentType: 'application/pdf',
        size: 10,
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(
      (
        await api(`/v1/submissions/${pdfId}/review`, {
          method: 'POST',
          token: officeToken,
          body: { decision: 'accept' },
        })
      ).status,
    ).toBe(409);

    // Clock 2026-04-10 (Friday): five working days later is 2026-04-17.
    const returned = await api(`/v1/submissions/${docxId}/review`, {
      method: 'POST',
      token: officeToken,
      body: { decision: 'return', comment: '请补充第三季度数据' },
    });
    expect(returned.status).toBe(200);
    expect(returned.body.review).toMatchObject({ decision: 'return', resubmitBy: '2026-04-17' });
    const notice = await emailContaining('请补充第三季度数据');
    expect(notice.subject).toContain('退回修改');
    expect(notice.text.endsWith(`\n在线报送：${rt.url}/#/u/half-year-report/2026`)).toBe(true);
    const slots = await api(`/v1/units/${UNIT}/slots?year=2026`, { token: unitToken });
    const slot = slots.body.items.find(
      (s: { obligationId: string }) => s.obligationId === 'half-year-report',
    );
    expect(slot.state).toBe('returned');
    const v2 = await upload('half-year-report', '2026', '半年进展（修改稿）.pdf', 'application/pdf', PDF);
    expect((await settled(v2.submissionId)).state).toBe('received');
    const unitReview = await api(`/v1/submissions/${v2.submissionId}/review`, {
      method: 'POST',
      token: unitToken,
      body: { decision: 'accept' },
    });
    expect(unitReview.status).toBe(403);
  });

  it('an object under a key no submission expects is quarantined', async () => {
    const s3 = makeS3Client({
      endpoint: rt.endpoints.s3,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const Key = `submissions/annual-plan/2026/${UNIT}/01ARZ3NDEKTSV4RRFFQ69G5FAV`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: PDF }));
    const deadline = Date.now() + 15_000;
    const exists = (k: string) =>
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: k })).then(
        () => true,
        () => false,
      );
    while (!(await exists(`quarantine/${Key}`))) {
      if (Date.now() > deadline) throw new Error('not quarantined');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await exists(Key)).toBe(false);
    await idle(rt);
    expect(uploadsQueue(rt).deadLetters).toEqual([]);
  });
});
