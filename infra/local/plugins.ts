// The pipelines the local runtime wires in beside the HTTP handlers (uploads → receipt,
// sweep → queue → sender). Each is a function of the runtime; see server.ts.
import { notifyPipelinePlugin } from './notify-pipeline';
import type { LocalRuntime } from './server';
import { uploadsPipeline } from './uploads-pipeline';
import { webPlugin } from './web';

export const plugins: Array<(rt: LocalRuntime) => Promise<void> | void> = [
  uploadsPipeline,
  notifyPipelinePlugin,
  webPlugin,
];
