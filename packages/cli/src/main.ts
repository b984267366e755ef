#!/usr/bin/env node
import { getPlatform } from '@wasmpipe/core';
import { main } from './cli.ts';

const platform = getPlatform();
const argv = (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];
main(argv, platform).then(
  (code) => platform.exit(code),
  (error: unknown) => {
    console.error(`wasmpipe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    platform.exit(1);
  },
);
