// A TCP proxy in front of the export endpoint that can be taken down and brought back on the same
// port: down closes the listening socket (new connections are refused) and cuts the connections
// open (requests in flight fail mid-way), which is what a collector restart looks like.
import net from 'node:net';

/** A running proxy. */
export interface FlappingProxy {
  port: number;
  /** Connections cut by `down()` so far. */
  readonly cutConnections: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `127.0.0.1:targetPort`. */
export async function startFlappingProxy(targetPort: number): Promise<FlappingProxy> {
  const sockets = new Set<net.Socket>();
  let cut = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stop = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    cut += sockets.size / 2;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  };
  return {
    port,
    get cutConnections() {
      return Math.round(cut);
    },
    down: stop,
    async up() {
      // The port was ours a moment ago; if another process took it, keep trying for a while.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(port);
          return;
        } catch (error) {
          if (attempt >= 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async close() {
      if (server.listening) await stop();
    },
  };
}
