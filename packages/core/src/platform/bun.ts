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

/** How long closing an HTTP server waits for responses under way before it cuts their connections. */
const CLOSE_GRACE_MS = 5_000;

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
      // Graceful like the other runtimes: responses under way are finished, then the rest is cut.
      const close = async () => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        });
        await Promise.race([server.stop(false), grace]);
        clearTimeout(timer);
        await server.stop(true);
      };
      return { port: server.port, hostname: server.hostname, close };
    },
  };
}
