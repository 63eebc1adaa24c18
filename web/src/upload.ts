// One file to one slot: checked in the page against the obligation, then the presigned POST
// (XMLHttpRequest, for upload progress), then the receipt polled until it leaves awaiting-upload.
import { api } from './api';
import { fileSize } from './format';
import type { Obligation, SubmissionDetail, UploadTicket } from './types';

export const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ofd: 'application/ofd',
  wps: 'application/kswps',
};

const extOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).trim().toLowerCase() : '';
};

/** Why this file cannot go to this obligation, or null when it may. */
export function checkFile(file: File, ob: Pick<Obligation, 'maxBytes' | 'allowedTypes'>): string | null {
  if (file.size === 0) return '文件是空的，请重新选择。';
  if (file.size > ob.maxBytes)
    return `文件过大：${fileSize(file.size)}，本事项上限 ${fileSize(ob.maxBytes)}。请压缩或拆分后再报送。`;
  const ext = extOf(file.name);
  if (!(ob.allowedTypes as string[]).includes(ext))
    return `不支持的文件类型“${ext ? `.${ext}` : '无扩展名'}”：本事项只接收 ${ob.allowedTypes.map((t) => `.${t}`).join('、')}。`;
  return null;
}

export function postFile(ticket: UploadTicket, file: File, contentType: string, onProgress: (pct: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(ticket.fields)) form.append(k, v);
    if (!('Content-Type' in ticket.fields)) form.append('Content-Type', contentType);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ticket.url);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve();
      } else reject(new Error(`文件上传失败（存储服务返回 ${xhr.status}）`));
    });
    xhr.addEventListener('error', () => reject(new Error('文件上传失败：网络错误')));
    xhr.send(form);
  });
}

/** Polls the submission until the receipt function has judged the file (≈ 1 s locally). */
export async function awaitReceipt(submissionId: string, timeoutMs = 120_000): Promise<SubmissionDetail> {
  const until = Date.now() + timeoutMs;
  let wait = 400;
  for (;;) {
    const s = await api.get<SubmissionDetail>(`/v1/submissions/${submissionId}`);
    if (s.state !== 'awaiting-upload') return s;
    if (Date.now() > until) throw new Error('文件已上传，回执尚未生成；请稍后刷新查看。');
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 1.5, 3000);
  }
}

export const contentTypeOf = (file: File) => MIME[extOf(file.name)] ?? (file.type || 'application/octet-stream');
