// A real nginx for tests: finds the binary, writes a generated nginx.conf into a temp dir, runs it
// in the foreground as a child process, and reloads, reopens and stops it. Not part of the public
// entry. Runs under Node, Deno and Bun (node:child_process, node:fs, node:net, node:http).
//
//   const nginx = await startNginx({ logFormat: '$remote_addr [$time_local] "$request" $status' });
//   if (!nginx) return t.skip(...)   // or use nginxSkipReason() as the test's `skip` option
//   await sendRequests(`${nginx.baseUrl}/`, 10);
//   await nginx.stop();
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { getPlatform, type HttpServer } from '@wasmpipe/core';

/** Where the Debian package installs nginx; `NGINX_BINARY` overrides it. */
export const DEFAULT_NGINX_BINARY = '/usr/sbin/nginx';

/** The format the harness logs with unless told otherwise: `combined` plus timings and upstream fields. */
export const DEFAULT_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ' +
  '"$http_user_agent" $request_time $request_length "$upstream_addr" "$upstream_status" ' +
  '"$upstream_connect_time" "$upstream_header_time" "$upstream_response_time" "$upstream_cache_status"';

/** What the generated nginx.conf contains besides the fixed parts. */
export interface NginxOptions {
  /** The `log_format` text, written between single quotes (quotes inside are escaped). */
  logFormat?: string;
  /** The name of that `log_format`; `combined` uses nginx's built-in one and writes no `log_format`. */
  logFormatName?: string;
  /** `escape=` of the `log_format`: `default`, `json` or `none`. */
  logFormatEscape?: 'default' | 'json' | 'none';
  /** Extra parameters of `access_log` after the format name (`buffer=32k flush=1s`). */
  accessLogParameters?: string;
  /** The `error_log` level; default `info` (upstream failures are logged at `error`, 404s at `error`). */
  errorLogLevel?: 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit' | 'alert' | 'emerg';
  /** `worker_processes`; default 1. */
  workerProcesses?: number;
  /** The stub_status location path; default `/nginx_status`. */
  statusPath?: string;
  /** Whether requests to the stub_status location are written to the access log; default false. */
  logStatusRequests?: boolean;
  /** Text inserted at the top level (main context). */
  mainSnippet?: string;
  /** Text inserted in the `http` block. */
  httpSnippet?: string;
  /** Text inserted in the test `server` block. */
  serverSnippet?: string;
  /** Milliseconds to wait for nginx to listen; default 20 s (the machine may be loaded). */
  startTimeoutMillis?: number;
  /** Listen on this port instead of a free one (to restart an nginx where a stopped one was). */
  port?: number;
  /** Leave the temp dir in place after `stop()` (for debugging). */
  keepDirectory?: boolean;
}

/** A running nginx started by {@link startNginx}. */
export interface NginxInstance {
  /** The temp dir: nginx's prefix (`-p`), holding the config, logs, pid file and temp paths. */
  readonly directory: string;
  readonly configPath: string;
  readonly pidPath: string;
  readonly accessLogPath: string;
  readonly errorLogPath: string;
  /** The loopback port the test server listens on. */
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** The stub_status URL. */
  readonly statusUrl: string;
  /** The port of the small test server the `backend` upstream points at. */
  readonly backendPort: number;
  /** The options the current config was generated from. */
  readonly options: NginxOptions;
  /** The master process id. */
  readonly pid: number;
  /** The generated nginx.conf text as currently written. */
  configText(): string;
  /** The pids of the current worker processes (children of the master, from /proc). */
  workerPids(): Promise<number[]>;
  /** Rewrites the config with `changes` merged in (if any), checks it with `nginx -t`, reloads, waits for the new workers and for the old ones to exit. */
  reload(changes?: NginxOptions): Promise<void>;
  /** `nginx -s reopen`, then waits until every worker has the access and error log paths open again. */
  reopen(): Promise<void>;
  /** Stops nginx (graceful `QUIT`, then `KILL` after a timeout) and the test server, and removes the temp dir. */
  stop(): Promise<void>;
  /** True while the master process runs. */
  readonly running: boolean;
}

/**
 * Paths the harness serves, for tests to provoke things:
 * - `/` and anything unmatched: `200 ok` from nginx itself;
 * - `/status/<code>` for each of {@link STATUS_CODES}: nginx answers with that status (`return`);
 * - `/proxy/<path>`: proxied to the test server (`backend` upstream), which answers 200 with the path;
 *   `/proxy/slow?ms=N` answers after N ms; `/proxy/bytes?n=N` answers with N bytes;
 * - `/timeout`: proxied to the test server's slow path with a 200 ms read timeout: a 504 and an
 *   `upstream timed out` error line;
 * - `/refused`: proxied to the `dead` upstream (two closed ports, `max_fails=1`): a 502 with
 *   `connect() failed (111: Connection refused)` lines, and then `no live upstreams` while both are down;
 * - `/files/<name>`: static files from `<directory>/www`, so a missing name is a 404 with an
 *   `open() ... failed (2: No such file or directory)` error line.
 */
export const NGINX_TEST_PATHS = ['/', '/status/', '/proxy/', '/timeout', '/refused', '/files/'] as const;

/** The codes `/status/<code>` answers with. */
export const STATUS_CODES = [200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405, 408, 418, 429, 500, 502, 503, 504];

/** The nginx binary to use, or undefined when it is not installed. */
export function findNginxBinary(): string | undefined {
  const configured = process.env['NGINX_BINARY'];
  if (configured) return existsSync(configured) ? configured : undefined;
  return existsSync(DEFAULT_NGINX_BINARY) ? DEFAULT_NGINX_BINARY : undefined;
}

/**
 * For a test's `skip` option: a reason to skip when nginx is missing, false when it is there.
 * Under `CI=true` a missing nginx is not a reason to skip: the test runs and {@link startNginx} fails.
 */
export function nginxSkipReason(): string | false {
  if (findNginxBinary() || process.env['CI'] === 'true') return false;
  return `nginx is not installed (looked for ${process.env['NGINX_BINARY'] ?? DEFAULT_NGINX_BINARY}); install the Debian package nginx to run this test`;
}

/**
 * Starts a real nginx on a free loopback port with a generated config. Returns undefined when nginx
 * is not installed (outside CI); under `CI=true` that throws instead.
 */
export async function startNginx(options: NginxOptions = {}): Promise<NginxInstance | undefined> {
  const binary = findNginxBinary();
  if (!binary) {
    if (process.env['CI'] === 'true')
      throw new Error(`nginx is required under CI=true but ${DEFAULT_NGINX_BINARY} is missing.`);
    return undefined;
  }
  const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nginx-'));
  for (const sub of ['logs', 'www', 'temp']) await mkdir(join(directory, sub), { recursive: true });
  await writeFile(join(directory, 'www', 'index.html'), 'index\n');
  const backend = await startBackend();
  const deadPorts = [await freePort(), await freePort()];
  let lastError: unknown;
  // A free port found by binding port 0 may be taken by a colleague before nginx binds it: retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(binary, directory, port, backend, deadPorts, options);
    } catch (error) {
      lastError = error;
      if (options.port !== undefined || !String(error).includes('Address already in use')) break;
    }
  }
  await backend.close();
  if (!options.keepDirectory) await rm(directory, { recursive: true, force: true });
  throw lastError;
}

interface Paths {
  directory: string;
  configPath: string;
  pidPath: string;
  accessLogPath: string;
  errorLogPath: string;
}

async function launch(
  binary: string,
  directory: string,
  port: number,
  backend: HttpServer,
  deadPorts: number[],
  initialOptions: NginxOptions,
): Promise<NginxInstance> {
  const paths: Paths = {
    directory,
    configPath: join(directory, 'nginx.conf'),
    pidPath: join(directory, 'logs', 'nginx.pid'),
    accessLogPath: join(directory, 'logs', 'access.log'),
    errorLogPath: join(directory, 'logs', 'error.log'),
  };
  let options = { ...initialOptions };
  let text = renderConfig(paths, port, backend.port, deadPorts, options);
  await writeFile(paths.configPath, text);
  await checkConfig(binary, paths);

  const child = spawn(binary, ['-p', directory, '-c', paths.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      output += String(error);
      exited = true;
      resolve();
    });
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  // The master listens before it forks the workers, so a connection can succeed while fewer than
  // `worker_processes` workers (or none) run yet: wait for both. Checking that the master still
  // runs also catches a port taken by another process between freePort() and nginx's bind.
  const wantedWorkers = options.workerProcesses ?? 1;
  const ready = async () =>
    (await canConnect(port)) && (await workerPidsOf(child.pid as number)).length >= wantedWorkers;
  const deadline = Date.now() + (options.startTimeoutMillis ?? 20_000);
  while (exited || !(await ready())) {
    if (exited || Date.now() > deadline) {
      kill();
      await exit;
      process.off('exit', kill);
      const errorLog = await readFile(paths.errorLogPath, 'utf8').catch(() => '');
      throw new Error(
        `nginx did not start listening on 127.0.0.1:${port} with ${wantedWorkers} worker(s) (${exited ? 'it exited' : 'timed out'}): ${output}${errorLog}`,
      );
    }
    await sleep(20);
  }

  let stopped: Promise<void> | undefined;
  const instance: NginxInstance = {
    ...paths,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    statusUrl: `http://127.0.0.1:${port}${options.statusPath ?? '/nginx_status'}`,
    backendPort: backend.port,
    get options() {
      return options;
    },
    pid: child.pid as number,
    get running() {
      return !exited;
    },
    configText: () => text,
    workerPids: () => workerPidsOf(child.pid as number),
    async reload(changes) {
      const before = new Set(await childPidsOf(child.pid as number));
      if (changes) {
        options = { ...options, ...changes };
        text = renderConfig(paths, port, backend.port, deadPorts, options);
        await writeFile(paths.configPath, text);
      }
      await checkConfig(binary, paths);
      await signalNginx(binary, paths, 'reload');
      const wanted = options.workerProcesses ?? 1;
      await waitUntil(async () => {
        const current = await workerPidsOf(child.pid as number);
        return current.length >= wanted && current.every((pid) => !before.has(pid));
      }, `new nginx workers after reload (${paths.errorLogPath})`);
      // Old workers retitle themselves "shutting down" a moment before they close their listening
      // sockets, and linger (then as zombies) until the master reaps them: until every one is gone
      // it could still answer with the old config, and it is still a child of the master.
      await waitUntil(async () => {
        const children = await childPidsOf(child.pid as number);
        return children.every((pid) => !before.has(pid));
      }, `the old nginx workers to exit after reload (${paths.errorLogPath})`);
    },
    async reopen() {
      await signalNginx(binary, paths, 'reopen');
      await waitUntil(async () => {
        const workers = await workerPidsOf(child.pid as number);
        if (workers.length === 0) return false;
        for (const pid of workers) {
          const open = await openPaths(pid);
          if (!open.includes(paths.accessLogPath) || !open.includes(paths.errorLogPath)) return false;
        }
        return true;
      }, 'nginx workers to reopen their logs');
    },
    stop() {
      stopped ??= (async () => {
        if (!exited) {
          child.kill('SIGQUIT');
          const timer = setTimeout(kill, 10_000);
          await exit;
          clearTimeout(timer);
        }
        process.off('exit', kill);
        await backend.close();
        if (!initialOptions.keepDirectory) await rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return instance;
}

/** The nginx.conf the harness writes. Everything lives under the temp dir, so no root paths are needed. */
function renderConfig(paths: Paths, port: number, backendPort: number, deadPorts: number[], options: NginxOptions) {
  const { directory } = paths;
  const formatName = options.logFormatName ?? (options.logFormat === undefined ? 'combined' : 'wasmpipe');
  const escaping = options.logFormatEscape ? ` escape=${options.logFormatEscape}` : '';
  const logFormat =
    formatName === 'combined'
      ? ''
      : `  log_format ${formatName}${escaping} ${quote(options.logFormat ?? DEFAULT_LOG_FORMAT)};\n`;
  const accessLogParameters = options.accessLogParameters ? ` ${options.accessLogParameters}` : '';
  const temp = (name: string) => join(directory, 'temp', name);
  // As root, workers would run as `nobody` and could not enter the 0700 temp dir.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `# Generated by the wasmpipe nginx test harness.
${user}daemon off;
master_process on;
worker_processes ${options.workerProcesses ?? 1};
pid ${paths.pidPath};
error_log ${paths.errorLogPath} ${options.errorLogLevel ?? 'info'};
${options.mainSnippet ?? ''}
events {
  worker_connections 512;
}

http {
${logFormat}  access_log ${paths.accessLogPath} ${formatName}${accessLogParameters};
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  default_type text/plain;

  upstream backend {
    server 127.0.0.1:${backendPort};
  }

  upstream dead {
    server 127.0.0.1:${deadPorts[0]} max_fails=1 fail_timeout=30s;
    server 127.0.0.1:${deadPorts[1]} max_fails=1 fail_timeout=30s;
  }
${options.httpSnippet ?? ''}
  server {
    listen 127.0.0.1:${port};
    server_name localhost;

    location = ${options.statusPath ?? '/nginx_status'} {
      stub_status;
${options.logStatusRequests ? '' : '      access_log off;\n'}    }

    location / {
      return 200 "ok\\n";
    }

${STATUS_CODES.map((code) => `    location = /status/${code} {\n      return ${code};\n    }\n`).join('')}
    location /proxy/ {
      proxy_pass http://backend/;
    }

    location = /timeout {
      proxy_pass http://backend/slow?ms=2000;
      proxy_read_timeout 200ms;
    }

    location = /refused {
      proxy_pass http://dead;
    }

    location /files/ {
      alias ${join(directory, 'www')}/;
    }
${options.serverSnippet ?? ''}
  }
}
`;
}

/** An nginx single-quoted string. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function checkConfig(binary: string, paths: Paths): Promise<void> {
  const result = await run(binary, ['-t', '-q', '-p', paths.directory, '-c', paths.configPath]);
  if (result.code !== 0) throw new Error(`nginx -t rejected ${paths.configPath}: ${result.output}`);
}

async function signalNginx(binary: string, paths: Paths, signal: 'reload' | 'reopen'): Promise<void> {
  const result = await run(binary, ['-s', signal, '-p', paths.directory, '-c', paths.configPath]);
  if (result.code !== 0) throw new Error(`nginx -s ${signal} failed: ${result.output}`);
}

function run(program: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.once('error', (error) => resolve({ code: -1, output: output + String(error) }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Every child of a master (workers, shutting down or not, and unreaped ones), from `/proc/<pid>/task/<pid>/children`. */
async function childPidsOf(masterPid: number): Promise<number[]> {
  const text = await readFile(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
}

/** The worker pids of a master: its children titled `worker process` and not shutting down. */
async function workerPidsOf(masterPid: number): Promise<number[]> {
  const workers: number[] = [];
  for (const pid of await childPidsOf(masterPid)) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes('worker process') && !commandLine.includes('shutting down')) workers.push(pid);
  }
  return workers;
}

/** The paths a process has open, from its `/proc/<pid>/fd` links. */
async function openPaths(pid: number): Promise<string[]> {
  const entries = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const targets = await Promise.all(entries.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets;
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMillis = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(20);
  }
}

/** The small HTTP server behind the `backend` upstream. */
function startBackend(): Promise<HttpServer> {
  return getPlatform().serve({ hostname: '127.0.0.1', port: 0 }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === '/slow') {
      await sleep(Number(url.searchParams.get('ms') ?? '1000'));
      return new Response('slow\n');
    }
    if (url.pathname === '/bytes') return new Response('x'.repeat(Number(url.searchParams.get('n') ?? '0')));
    return new Response(`backend ${url.pathname}\n`);
  });
}

/** A loopback port that was free a moment ago (bind port 0, read it, close). */
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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One response of {@link sendRequests}. */
export interface SentResponse {
  status: number;
  body: string;
}

/**
 * Sends `count` GET requests to `url`, each on a new connection unless `keepAlive` (so stub_status
 * `accepted` moves by exactly `count`), at most `concurrency` at a time; resolves with every response.
 */
export async function sendRequests(
  url: string,
  count: number,
  options: { concurrency?: number; keepAlive?: boolean; method?: string; headers?: Record<string, string> } = {},
): Promise<SentResponse[]> {
  const agent = options.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: options.concurrency ?? 4 }) : false;
  const responses: SentResponse[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      responses[index] = await requestOnce(url, agent, options.method ?? 'GET', options.headers ?? {});
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(count, options.concurrency ?? 4) }, worker));
  } finally {
    if (agent) agent.destroy();
  }
  return responses;
}

function requestOnce(
  url: string,
  agent: http.Agent | false,
  method: string,
  headers: Record<string, string>,
): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Polls a file until `condition` holds for its text, and returns that text. nginx writes an access
 * log line after it has sent the response, so a client can see the response before the line.
 */
export async function waitForFileText(
  path: string,
  condition: (text: string) => boolean,
  timeoutMillis = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (condition(text)) return text;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${path}; it holds ${JSON.stringify(text.slice(-500))}.`);
    }
    await sleep(10);
  }
}

/** Resolves after `millis`. */
export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));
