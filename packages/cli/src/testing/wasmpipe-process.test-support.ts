// Starts the built `wasmpipe` binary as a child process and watches its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary. */
export const BINARY = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** The filter plugin built from source by `npm run build`. */
export const FILTER_WASM = fileURLToPath(new URL('../../../../plugins/filter/build/filter.wasm', import.meta.url));
/** The redact plugin (C) built from source by `npm run build`. */
export const REDACT_WASM = fileURLToPath(new URL('../../../../plugins/redact/build/redact.wasm', import.meta.url));

/** A running wasmpipe process. */
export interface WasmpipeProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the output (stdout + stderr) matches, or rejects after `timeout` ms. */
  waitFor(pattern: RegExp, timeout?: number): Promise<void>;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  exited(): Promise<number | string>;
  /**
   * The admin endpoint's URL, read from the process's own log line, so that a config can say
   * `admin: { endpoint: 127.0.0.1:0 }` and no port has to be found free beforehand (another
   * process could take it before wasmpipe binds it).
   */
  adminUrl(timeout?: number): Promise<string>;
}

const ADMIN_LISTENING = /The admin endpoint is listening\.[^\n]*?(http:\/\/[^\s"]+)/;

/** Runs `wasmpipe ...args` with the given extra environment. */
export function startWasmpipe(args: string[], env: Record<string, string> = {}): WasmpipeProcess {
  const child = spawn(process.execPath, [BINARY, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    async waitFor(pattern, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      while (!pattern.test(out + err)) {
        if (child.exitCode !== null) throw new Error(`wasmpipe exited (${child.exitCode}) before ${pattern}:\n${err}`);
        if (Date.now() > deadline)
          throw new Error(`Timed out waiting for ${pattern}. stderr:\n${err}\nstdout:\n${out.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async adminUrl(timeout) {
      await this.waitFor(ADMIN_LISTENING, timeout);
      return ADMIN_LISTENING.exec(out + err)?.[1] as string;
    },
  };
}

/** Waits until `check` returns true, polling; rejects with `what` after `timeout` ms. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeout = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A loopback port that was free a moment ago (bind to it soon). */
export async function freeLoopbackPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
