// The web pages on the local runtime: `web/dist/` served at `/` of the API's own origin, with
// `/config.json` saying sign-in is the local picker (`POST /dev/token`). The local S3 gets a CORS
// rule so the pages can post files to it with upload progress, as the uploads bucket allows on AWS.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { makeS3Client } from '../../shared/adapters/s3';
import type { WebConfig } from '../../shared/http/web-config';
import type { LocalRuntime } from './server';
import { BUCKET } from './server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './standins';

export const WEB_DIST = resolve(import.meta.dirname, '../../web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The headers CloudFront's response-headers policy sets on AWS (SPEC issue 9): a strict CSP. */
function securityHeaders(rt: LocalRuntime): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${rt.endpoints.s3}`,
      "img-src 'self' data: blob:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

/** Answers GET `/`, `/index.html`, `/assets/…` and `/config.json`; false for any other path. */
export async function servePages(rt: LocalRuntime, pathname: string, res: ServerResponse): Promise<boolean> {
  if (pathname === '/config.json') {
    const config: WebConfig = { apiBase: '', auth: { mode: 'local' } };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(config));
    return true;
  }
  let file: string;
  if (pathname === '/' || pathname === '/index.html') file = 'index.html';
  else if (pathname.startsWith('/assets/')) file = normalize(pathname.slice(1));
  else return false;
  if (file.startsWith('..') || file.includes('\0')) return false;
  try {
    const body = await readFile(join(WEB_DIST, file));
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=300',
      ...securityHeaders(rt),
    });
    res.end(body);
  } catch {
    if (file !== 'index.html') return false;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The web pages are not built: run `npm run build:web` (npm start builds them).\n');
  }
  return true;
}

/** Lets the pages (any local origin) post to the local bucket and read the answer, with progress. */
export async function webPlugin(rt: LocalRuntime): Promise<void> {
  const client = makeS3Client({ endpoint: rt.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await client.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['POST', 'GET'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag', 'Location'],
            MaxAgeSeconds: 600,
          },
        ],
      },
    }),
  );
  rt.pages = (pathname, res) => servePages(rt, pathname, res);
}
