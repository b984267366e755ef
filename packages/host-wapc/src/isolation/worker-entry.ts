// Where the plugin worker's code is. Built (dist/index.js): dist/plugin-worker.js beside it. From
// source (tests): plugin-worker.ts, which Deno and Bun run as is; Node runs TypeScript in a worker
// only through a bootstrap that registers tsx there (its --import hook does not reach workers).

import { detectRuntime } from '@wasmpipe/core';

/** The URL to start a plugin worker from, and the data its bootstrap needs. */
export function workerEntry(): { url: URL; workerData?: unknown } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { url: new URL('./plugin-worker.js', here) };
  const source = new URL('./plugin-worker.ts', here);
  if (detectRuntime() !== 'node') return { url: source };
  return { url: new URL('./worker-bootstrap.mjs', here), workerData: { entry: source.href } };
}
