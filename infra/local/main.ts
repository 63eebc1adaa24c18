// `npm start`: the local runtime. PORT (default 3000) and BAOSONG_DATA_DIR (default .baosong).
import * as z from 'zod';
import { shanghaiDate } from '../../shared/domain/dates';
import { setLogLevel } from '../../shared/adapters/logger';
import { buildWeb } from '../../web/build';
import { startLocal } from './server';
import { plugins } from './plugins';

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    BAOSONG_DATA_DIR: z.string().min(1).default('.baosong'),
  })
  .parse(process.env);

if (!process.env.POWERTOOLS_LOG_LEVEL) setLogLevel('WARN');
const started = Date.now();
await buildWeb();
const rt = await startLocal({ port: env.PORT, dataDir: env.BAOSONG_DATA_DIR, quiet: true, plugins });
const token = await rt.tokens.issue({ role: 'office' });

console.log(`
  Web pages    ${rt.url}/   ← open in a browser (sign in as the office or as a unit)

baosong is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; data in ${env.BAOSONG_DATA_DIR}/)

  API          ${rt.url}/v1/health
  mail viewer  ${rt.endpoints.sesViewer}
  outbox       ${rt.url}/dev/outbox

  A token:     curl -s -X POST ${rt.url}/dev/token -H 'content-type: application/json' -d '{"role":"office"}'
               (or {"role":"unit","unitId":"chengguan-town"})
  Try it:      curl -s ${rt.url}/v1/status?obligationId=annual-summary\\&period=${shanghaiDate(rt.clock.now()).slice(0, 4)} -H 'authorization: Bearer ${token}'

Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping …');
  await rt.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
