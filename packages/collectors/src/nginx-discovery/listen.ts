/** A `listen` directive, reduced to what a client needs to connect. */
export interface ListenAddress {
  /** The address as written (`*`, `127.0.0.1`, `[::]`, `localhost`), or undefined for a unix socket. */
  host?: string;
  port?: number;
  /** For `listen unix:/path`. */
  socketPath?: string;
  ssl: boolean;
  defaultServer: boolean;
  /** The directive's arguments as written. */
  text: string;
}

/** Parses the arguments of `listen` (`127.0.0.1:8080 ssl default_server`, `[::]:80`, `unix:/x.sock`). */
export function parseListen(args: readonly string[]): ListenAddress | undefined {
  const [address, ...parameters] = args;
  if (address === undefined) return undefined;
  const ssl = parameters.includes('ssl');
  const defaultServer = parameters.includes('default_server') || parameters.includes('default');
  const text = args.join(' ');
  if (address.startsWith('unix:')) return { socketPath: address.slice(5), ssl, defaultServer, text };
  if (/^\d+$/.test(address)) return { host: '*', port: Number(address), ssl, defaultServer, text };
  const ipv6 = /^(\[[^\]]+\])(?::(\d+))?$/.exec(address);
  if (ipv6) return { host: ipv6[1] as string, port: Number(ipv6[2] ?? 80), ssl, defaultServer, text };
  const hostPort = /^([^:]+)(?::(\d+))?$/.exec(address);
  if (hostPort) return { host: hostPort[1] as string, port: Number(hostPort[2] ?? 80), ssl, defaultServer, text };
  return undefined;
}

/** The host a local client connects to for a listen address: a wildcard becomes the loopback. */
export function connectHost(host: string): string {
  if (host === '*' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '[::]') return '[::1]';
  return host;
}
