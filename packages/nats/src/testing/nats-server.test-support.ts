// Runs a real nats-server (the Debian package) with JetStream, its store in a mkdtemp directory and
// its client port on a free loopback port, for tests and benchmarks. `restart()` comes back on the
// same port with the same store, so a test can take the broker away and bring it back (an outage).
// Not part of the public entry.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

/** Where the Debian package installs the server; `NATS_SERVER_BINARY` overrides it. */
export const DEFAULT_NATS_SERVER_BINARY = '/usr/sbin/nats-server';

/** The server binary this machine would run. */
export function natsServerBinary(): string {
  return process.env['NATS_SERVER_BINARY'] ?? DEFAULT_NATS_SERVER_BINARY;
}

/**
 * For a test's `skip` option: a reason when nats-server is missing. Never skips under `CI=true`,
 * where the test then fails in `startNatsServer` instead.
 */
export function natsServerSkipReason(): string | false {
  if (existsSync(natsServerBinary()) || process.env['CI'] === 'true') return false;
  return `nats-server is not installed (looked for ${natsServerBinary()}); install the Debian package nats-server to run this test`;
}

/** Options for `startNatsServer`. */
export interface NatsServerOptions {
  /** Extra lines of nats-server config (e.g. `authorization { token: "x" }`), appended to the file. */
  config?: string;
  /** JetStream on (the default) or off. */
  jetstream?: boolean;
}

/** A running nats-server. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The JetStream store directory (kept across restarts, removed by `stop`). */
  readonly storeDirectory: string;
  /** The process id of the current server process, undefined while it is down. */
  readonly pid: number | undefined;
  /** Everything the server wrote to stderr/stdout, for failure messages. */
  output(): string;
  /** Stops the server gracefully (SIGTERM) and keeps the store: `restart()` may follow. */
  down(): Promise<void>;
  /** Kills the server at once (SIGKILL), keeping the store. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store directory, and waits until it serves. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Finds a free loopback TCP port (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it returns true, or throws `message` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs}ms: ${message}`);
    await sleep(25);
  }
}

/** Starts nats-server with JetStream on a free loopback port and waits until it accepts clients. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = natsServerBinary();
  if (!existsSync(binary))
    throw new Error(`nats-server is required but ${binary} is missing; install the Debian package nats-server.`);
  const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nats-'));
  const storeDirectory = join(directory, 'jetstream');
  const configFile = join(directory, 'nats.conf');
  // port -1 lets the server pick a free port itself (no race with other tests); the ports file says
  // which. A restart then names that port explicitly.
  const lines = [
    'host: 127.0.0.1',
    'port: -1',
    `ports_file_dir: ${JSON.stringify(directory)}`,
    options.jetstream === false ? '' : `jetstream { store_dir: ${JSON.stringify(storeDirectory)} }`,
    options.config ?? '',
  ];
  await writeFile(configFile, `${lines.join('\n')}\n`);

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  let port = 0;
  let removed = false;

  const killNow = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);

  const launch = async (): Promise<void> => {
    const current = spawn(binary, ['-c', configFile, ...(port > 0 ? ['-p', String(port)] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    const collect = (chunk: unknown) => {
      output += String(chunk);
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    current.stdout?.on('data', collect);
    current.stderr?.on('data', collect);
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    if (port === 0) port = await readPort(directory, current, () => output);
    await waitUntilServing(port, current, () => output);
  };

  const halt = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const current = child;
    if (!current) return;
    if (current.exitCode === null && current.signalCode === null) current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    child = undefined;
  };

  try {
    await launch();
  } catch (error) {
    await halt('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    process.off('exit', killNow);
    throw error;
  }

  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDirectory,
    get pid() {
      return child?.pid;
    },
    output: () => output,
    down: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      // The port was just released; another process could take it in between, so retry a little.
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          await launch();
          return;
        } catch (error) {
          await halt('SIGKILL');
          if (Date.now() > deadline) throw error;
          await sleep(200);
        }
      }
    },
    async stop() {
      await halt('SIGTERM');
      if (!removed) {
        removed = true;
        process.off('exit', killNow);
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

async function readPort(directory: string, child: ChildProcess, output: () => string): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`nats-server exited at start: ${output()}`);
    const names = (await readdir(directory)).filter((name) => name.endsWith('.ports'));
    for (const name of names) {
      try {
        const ports = JSON.parse(await readFile(join(directory, name), 'utf8')) as { nats?: string[] };
        const url = ports.nats?.[0];
        if (url) return Number(new URL(url).port);
      } catch {
        // Written but not complete yet: read again.
      }
    }
    if (Date.now() > deadline) throw new Error(`nats-server wrote no ports file in ${directory}: ${output()}`);
    await sleep(20);
  }
}

async function waitUntilServing(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`nats-server exited at start: ${output()}`);
    if (await greets(port)) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not serve on 127.0.0.1:${port}: ${output()}`);
    await sleep(20);
  }
}

/** True when a NATS server answers on the port with its INFO line. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (chunk) => {
      data += String(chunk);
      if (data.startsWith('INFO ')) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(data.startsWith('INFO ')));
  });
}
