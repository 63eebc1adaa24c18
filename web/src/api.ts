// The API client: JSON over fetch with the signed-in user's token; errors in the SPEC's shape.
import type { ApiErrorBody } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

type Session = { base: string; token: () => Promise<string | null>; onUnauthorized: () => void };
let session: Session = { base: '', token: async () => null, onUnauthorized: () => {} };
export const configureApi = (s: Session) => {
  session = s;
};

async function request(method: string, path: string, body?: unknown, accept = 'application/json') {
  const token = await session.token();
  const headers: Record<string, string> = { accept };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(session.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  if (res.status === 401) session.onUnauthorized();
  if (!res.ok) {
    let e: ApiErrorBody['error'] | undefined;
    try {
      e = ((await res.json()) as ApiErrorBody).error;
    } catch {
      /* not JSON (e.g. a gateway's own answer) */
    }
    throw new ApiError(res.status, e?.code ?? 'http', e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return res;
}

export const api = {
  async get<T>(path: string): Promise<T> {
    return (await request('GET', path)).json() as Promise<T>;
  },
  async send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    return (await request(method, path, body)).json() as Promise<T>;
  },
  /** A file the API answers (CSV), fetched with the token and handed to the browser to save. */
  async download(path: string, fallbackName: string): Promise<Blob> {
    const res = await request('GET', path, undefined, 'text/csv');
    const blob = await res.blob();
    const cd = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)?.[1];
    const name = star ? decodeURIComponent(star) : fallbackName;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return blob;
  },
};

/** What a user should read for an API error. */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case 'forbidden':
      return '无权访问：该内容属于其他单位或仅限法制办查看（403）';
    case 'not_found':
      return '未找到该内容（404）';
    case 'unauthorized':
      return '登录已过期，请重新登录';
    case 'conflict':
      return `操作冲突：${err.message}`;
    case 'closed':
      return '该期已截止，不再接收报送';
    case 'too_large':
      return '文件超过大小上限';
    case 'unsupported_type':
      return `文件类型不允许：${err.message}`;
    case 'too_many_requests':
      return '操作过于频繁，请稍后再试';
    case 'invalid_input':
      return `填写有误：${err.details.map((d) => `${d.field} ${d.message}`).join('；') || err.message}`;
    default:
      return err.message;
  }
}
