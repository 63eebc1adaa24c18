// The local runtime of `npm start` (infra/local: the stand-ins, the HTTP handlers, the uploads and
// notify pipelines) in a child process the fault tests can SIGKILL. Like infra/local/main.ts but
// without building the pages, and it prints its addresses as one JSON line the parent reads:
//   READY {"url": …, "endpoints": {…}}
// PORT and BAOSONG_DATA_DIR as for `npm start`.
import { plugins } from '../../../infra/local/plugins';
import { startLocal } from '../../../infra/local/server';
import { setLogLevel } from '../../../shared/adapters/logger';

setLogLevel('SILENT');
const rt = await startLocal({
  port: Number(process.env.PORT ?? 0),
  dataDir: process.env.BAOSONG_DATA_DIR,
  quiet: true,
  plugins,
});
console.log(`READY ${JSON.stringify({ url: rt.url, endpoints: rt.endpoints })}`);
const stop = async () => {
  await rt.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
