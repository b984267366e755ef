import { createNodePlatform } from './node.ts';
import type { Platform } from './types.ts';

type BunServer = { port: number; hostname: string; stop(closeActiveConnections?: boolean): void | Promise<void> };
type BunNamespace = {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): BunServer;
};

const bun = (): BunNamespace => (globalThis as unknown as { Bun: BunNamespace }).Bun;

/**
 * The Bun platform: Node's file and process APIs (Bun implements them; `Bun.file` reports /proc
 * files as empty), and `Bun.serve` for HTTP.
 */
export function createBunPlatform(): Platform {
  return {
    ...createNodePlatform(),
    runtime: 'bun',
    async serve(options, handler) {
      const server = bun().serve({ ...options, fetch: handler });
      return { port: server.port, hostname: server.hostname, close: async () => void (await server.stop(true)) };
    },
  };
}
