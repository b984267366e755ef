// The real `wasmpipe run` binary (packages/cli/dist/main.js, as built) in its own process, for
// the testbeds: started with a YAML config written to a temp dir (or the embedded default), with
// the admin endpoint on a free port so readiness and the components' counters can be read.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, stopChild } from './proc.ts';

/** The built binary's entry. */
export const WASMPIPE = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

/** A built plugin's path, e.g. `pluginPath('redact')`. */
export const pluginPath = (name: string) =>
  fileURLToPath(new URL(`../../../plugins/${name}/build/${name}.wasm`, import.meta.url));

/** A running `wasmpipe run`. */
export interface WasmpipeProcess {
  pid: number;
  child: ChildProcess;
  /** The admin endpoint's `/components` answer: counters per component id. */
  components(): Promise<Record<string, Record<string, number>>>;
  /** SIGTERM (drain), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** What the process wrote to stderr (its logs), for failure messages. */
  output(): string;
}

/**
 * Starts `wasmpipe run` with `configYaml` (an `admin:` section is appended), or with the embedded
 * default when `configYaml` is undefined (then readiness is the first line it prints), and resolves
 * once it is running.
 */
export async function startWasmpipe(
  configYaml: string | undefined,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<WasmpipeProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const directory = mkdtempSync(path.join(os.tmpdir(), 'wasmpipe-testbed-'));
  const adminPort = await freePort();
  const args = [...(options.nodeArgs ?? []), WASMPIPE, 'run'];
  if (configYaml !== undefined) {
    const file = path.join(directory, 'config.yaml');
    writeFileSync(file, `${configYaml}\nadmin:\n  endpoint: 127.0.0.1:${adminPort}\n`);
    args.push('--config', file);
  }
  const environment = { ...process.env };
  delete environment['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: environment, cwd: directory });
  let output = '';
  let printed = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  child.stdout?.on('data', () => {
    printed = true;
  });
  const handle: WasmpipeProcess = {
    pid: child.pid as number,
    child,
    async components() {
      const response = await fetch(`http://127.0.0.1:${adminPort}/components`);
      const body = (await response.json()) as { components: Record<string, Record<string, number>> };
      return body.components;
    },
    async stop(graceMs = 15_000) {
      try {
        return await stopChild(child, 'SIGTERM', graceMs);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
    output: () => output,
  };
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await handle.stop();
      throw new Error(`wasmpipe run exited (code ${child.exitCode}) before it was ready:\n${output}`);
    }
    if (configYaml === undefined ? printed : await ready(adminPort)) return handle;
    if (performance.now() > deadline) {
      await handle.stop();
      throw new Error(`wasmpipe run was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
