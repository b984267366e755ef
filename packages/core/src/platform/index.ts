import { createBunPlatform } from './bun.ts';
import { createDenoPlatform } from './deno.ts';
import { detectRuntime } from './detect.ts';
import { createNodePlatform } from './node.ts';
import type { Platform } from './types.ts';

let current: Platform | undefined;

/** The platform of the runtime this code runs on, created once. */
export function getPlatform(): Platform {
  if (!current) {
    const runtime = detectRuntime();
    current =
      runtime === 'deno' ? createDenoPlatform() : runtime === 'bun' ? createBunPlatform() : createNodePlatform();
  }
  return current;
}

export { detectRuntime } from './detect.ts';
export type { FileHandle, FileSystem } from './files.ts';
export type { FetchHandler, HttpServer, Platform, RuntimeName } from './types.ts';
