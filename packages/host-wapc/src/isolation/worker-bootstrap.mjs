// Development only (tests run the TypeScript sources on Node): registers tsx inside the worker,
// then loads the worker entry named by the parent. The built package starts dist/plugin-worker.js.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
