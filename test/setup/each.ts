// vitest setupFiles: runs in every worker before each test file.
import { silenceSdkNodeWarning } from '../../infra/local/standins.js';

silenceSdkNodeWarning();
