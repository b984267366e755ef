import { createNodeFileSystem } from './files.ts';
import type { Platform } from './types.ts';

type DenoServer = { addr: { port: number; hostname: string }; shutdown(): Promise<void> };
type DenoNamespace = {
  env: { get(name: string): string | undefined };
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile: boolean }>;
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoServer;
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  cwd(): string;
  exit(code: number): never;
};

const deno = (): DenoNamespace => (globalThis as unknown as { Deno: DenoNamespace }).Deno;

/** The Deno platform, on Deno's own APIs. */
export function createDenoPlatform(): Platform {
  return {
    runtime: 'deno',
    env: (name) => deno().env.get(name),
    readFile: (path) => deno().readFile(path),
    readTextFile: (path) => deno().readTextFile(path),
    isFile: (path) =>
      deno()
        .stat(path)
        .then(
          (stat) => stat.isFile,
          () => false,
        ),
    async serve(options, handler) {
      const server = deno().serve({ ...options, onListen: () => {} }, handler);
      return { port: server.addr.port, hostname: server.addr.hostname, close: () => server.shutdown() };
    },
    onSignal(signal, handler) {
      deno().addSignalListener(signal, handler);
      return () => deno().removeSignalListener(signal, handler);
    },
    cwd: () => deno().cwd(),
    exit: (code) => deno().exit(code),
    files: createNodeFileSystem(),
  };
}
