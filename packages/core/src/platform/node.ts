import { createNodeFileSystem } from './files.ts';
import type { FetchHandler, HttpServer, Platform } from './types.ts';

type NodeProcess = {
  env: Record<string, string | undefined>;
  cwd(): string;
  exit(code: number): never;
  on(signal: string, handler: () => void): void;
  off(signal: string, handler: () => void): void;
};

const nodeProcess = (): NodeProcess => (globalThis as unknown as { process: NodeProcess }).process;
const fs = () => import('node:fs/promises');

/** The Node.js platform; Bun reuses most of it, since Bun implements these Node modules. */
export function createNodePlatform(): Platform {
  return {
    runtime: 'node',
    env: (name) => nodeProcess().env[name],
    readFile: async (path) => new Uint8Array(await (await fs()).readFile(path)),
    readTextFile: async (path) => (await fs()).readFile(path, 'utf8'),
    isFile: async (path) =>
      (await fs()).stat(path).then(
        (stat) => stat.isFile(),
        () => false,
      ),
    serve: serveWithNodeHttp,
    onSignal(signal, handler) {
      nodeProcess().on(signal, handler);
      return () => nodeProcess().off(signal, handler);
    },
    cwd: () => nodeProcess().cwd(),
    exit: (code) => nodeProcess().exit(code),
    files: createNodeFileSystem(),
  };
}

async function serveWithNodeHttp(
  options: { hostname: string; port: number },
  handler: FetchHandler,
): Promise<HttpServer> {
  const http = await import('node:http');
  const server = http.createServer(async (incoming, outgoing) => {
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Uint8Array);
      const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
      const request = new Request(`http://${incoming.headers.host ?? options.hostname}${incoming.url ?? '/'}`, {
        method: incoming.method ?? 'GET',
        headers: incoming.headers as Record<string, string>,
        body: hasBody ? Buffer.concat(chunks) : undefined,
      });
      const response = await handler(request);
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) {
        outgoing.end();
        return;
      }
      // Stream the body (the admin endpoint's /tap is endless); stop reading when the client leaves.
      outgoing.flushHeaders();
      const reader = response.body.getReader();
      outgoing.once('close', () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done || outgoing.destroyed) break;
        if (!outgoing.write(value)) {
          await new Promise((resolve) => {
            outgoing.once('drain', resolve);
            outgoing.once('close', resolve);
          });
        }
      }
      outgoing.end();
    } catch (error) {
      if (outgoing.headersSent) {
        outgoing.destroy();
        return;
      }
      outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    hostname: options.hostname,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
