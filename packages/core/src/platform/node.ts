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
/** How long closing an HTTP server waits for responses under way before it cuts their connections. */
const CLOSE_GRACE_MS = 5_000;

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
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const body = hasBody ? streamBody(incoming) : undefined;
    try {
      const request = new Request(`http://${incoming.headers.host ?? options.hostname}${incoming.url ?? '/'}`, {
        method: incoming.method ?? 'GET',
        headers: incoming.headers as Record<string, string>,
        body: body?.stream,
        duplex: 'half',
      } as RequestInit);
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
    } finally {
      // Whatever the handler left unread is drained, so the connection can serve the next request.
      body?.discardRest();
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
    // Graceful: requests under way get their responses; idle keep-alive connections close at
    // once, and whatever is still open after the grace period is cut.
    close: () =>
      new Promise<void>((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 25);
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * A request body as a web stream that reads only as fast as the handler does, so a handler can
 * refuse an oversized body early. Cancelling it, or `discardRest`, drains what is left instead of
 * destroying the socket, so the response still reaches the client.
 */
function streamBody(incoming: import('node:http').IncomingMessage): {
  stream: ReadableStream<Uint8Array>;
  discardRest(): void;
} {
  let discarding = false;
  const discardRest = () => {
    if (discarding) return;
    discarding = true;
    incoming.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      incoming.on('data', (chunk: Buffer) => {
        if (discarding) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.once('end', () => {
        if (!discarding) controller.close();
      });
      incoming.once('error', (error) => {
        if (!discarding) controller.error(error);
      });
      incoming.pause();
    },
    pull() {
      incoming.resume();
    },
    cancel: discardRest,
  });
  return { stream, discardRest };
}
