import type { FileSystem } from './files.ts';

/** The JavaScript runtimes wasmpipe runs on. */
export type RuntimeName = 'node' | 'deno' | 'bun';

/** A request handler in the web-standard shape every runtime's server accepts. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A listening HTTP server started through the platform. */
export interface HttpServer {
  /** The port actually bound (useful when 0 was asked for). */
  readonly port: number;
  readonly hostname: string;
  close(): Promise<void>;
}

/**
 * What differs between Node, Deno and Bun, and nothing else. Core code takes a Platform; it
 * never imports runtime modules itself.
 *
 * | capability     | node              | deno               | bun               |
 * |----------------|-------------------|--------------------|-------------------|
 * | readFile       | node:fs/promises  | Deno.readFile      | node:fs/promises  |
 * | serve          | node:http         | Deno.serve         | Bun.serve         |
 * | onSignal       | process.on        | Deno.addSignal...  | process.on        |
 * | files          | node:fs/promises  | node:fs/promises   | node:fs/promises  |
 */
export interface Platform {
  readonly runtime: RuntimeName;
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /** Reads a whole file. Rejects with the runtime's error (code `ENOENT` etc.) when it cannot. */
  readFile(path: string): Promise<Uint8Array>;
  /** Reads a whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string>;
  /** True when a path exists and is a regular file. */
  isFile(path: string): Promise<boolean>;
  /** Starts an HTTP server on `hostname:port` answering with `handler`. */
  serve(options: { hostname: string; port: number }, handler: FetchHandler): Promise<HttpServer>;
  /** Calls `handler` on SIGINT, SIGTERM or SIGHUP; returns a function that removes it. */
  onSignal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', handler: () => void): () => void;
  /** The process's working directory. */
  cwd(): string;
  /** Ends the process. */
  exit(code: number): never;
  /** File access for the persistent queue and the file exporter; absent on a platform without files. */
  readonly files?: FileSystem;
}
