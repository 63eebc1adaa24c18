// vitest setupFiles: runs in every worker before each test file.
import * as fc from 'fast-check';
import { silenceSdkNodeWarning } from '../../infra/local/standins.js';

silenceSdkNodeWarning();

// Seeded randomness: every fast-check property runs from one seed (FC_SEED to replay another),
// so a run never depends on luck and a failure replays exactly.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261128) });
