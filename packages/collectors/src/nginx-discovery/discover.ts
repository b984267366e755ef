import { dirname, isAbsolute, resolve } from 'node:path';
import { nodeFileSystem } from './file-system.ts';
import { connectHost, type ListenAddress, parseListen } from './listen.ts';
import { type ConfigFileSystem, type Directive, parseNginxConfig } from './parse-config.ts';

/** Where nginx keeps its main config unless told otherwise. */
export const DEFAULT_NGINX_CONFIG_PATH = '/etc/nginx/nginx.conf';

/** nginx's built-in `combined` format. */
export const COMBINED_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** A `log_format` definition: its name, its text exactly as nginx assembles it, and its escaping. */
export interface DiscoveredLogFormat {
  name: string;
  /** The format strings joined, as nginx joins them (no separator). */
  text: string;
  escape: 'default' | 'json' | 'none';
  /** Where it was defined; absent for the built-in `combined`. */
  file?: string;
  line?: number;
}

/** An `access_log` that writes to a file. */
export interface DiscoveredAccessLog {
  path: string;
  format: DiscoveredLogFormat;
  /** `http` or `stream` (their log formats are separate). */
  context: 'http' | 'stream';
  /** Written with `buffer=` or `gzip`: lines reach the file late, or compressed. */
  buffered: boolean;
  gzip: boolean;
  /** Written with `if=`: not every request is logged. */
  conditional: boolean;
  file: string;
  line: number;
}

/** An `error_log` that writes to a file. */
export interface DiscoveredErrorLog {
  path: string;
  /** The lowest level written (`error` unless given). */
  level: string;
  file: string;
  line: number;
}

/** An HTTP endpoint served by a location (`stub_status` or the Plus `api`). */
export interface DiscoveredEndpoint {
  /** The URL to GET, e.g. `http://127.0.0.1:8080/nginx_status`. */
  url: string;
  /** The `Host` header to send so that nginx picks this server, when its `server_name` gives one. */
  hostHeader?: string;
  /** For a server listening on a unix socket: connect there, and GET `url`'s path. */
  socketPath?: string;
  /** The `listen` arguments the URL was built from. */
  listen: string;
  serverNames: string[];
  /** The location's path. */
  location: string;
  file: string;
  line: number;
}

/** What {@link discoverNginx} finds in nginx.conf. */
export interface NginxDiscovery {
  configPath: string;
  /** What relative log and pid paths are resolved against (nginx's `-p`). */
  prefix: string;
  /** Every config file read, the main one first. */
  files: string[];
  /** The pid file: the `pid` directive's, or the first existing of nginx's usual defaults. */
  pidFile: string;
  pidFileConfigured: boolean;
  /** Every location serving `stub_status`, best candidate first (loopback, plain HTTP, exact path). */
  stubStatus: DiscoveredEndpoint[];
  /** Every location serving the NGINX Plus `api`, best candidate first. */
  plusApi: DiscoveredEndpoint[];
  /** Every distinct access log file with its format. */
  accessLogs: DiscoveredAccessLog[];
  /** Every distinct error log file. */
  errorLogs: DiscoveredErrorLog[];
  /** The `http` log formats by name, `combined` included. */
  logFormats: Record<string, DiscoveredLogFormat>;
  /** What discovery could not use (a regex location, a log path with variables, a missing include). */
  problems: string[];
}

/** Options of {@link discoverNginx}. */
export interface DiscoverOptions {
  /** The main config; default `/etc/nginx/nginx.conf`. */
  configPath?: string;
  /** nginx's prefix (`-p`) for relative paths; default the config's directory. */
  prefix?: string;
  /** The file system to read; default the real one. */
  fileSystem?: ConfigFileSystem;
}

/**
 * Reads nginx.conf and the files it includes, and finds what the collectors need: the stub_status
 * and Plus API URLs, the access logs with their `log_format`, the error logs and the pid file, as
 * NGINX Agent does. Throws when the main config cannot be read or has a syntax error.
 */
export async function discoverNginx(options: DiscoverOptions = {}): Promise<NginxDiscovery> {
  const configPath = resolve(options.configPath ?? DEFAULT_NGINX_CONFIG_PATH);
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const prefix = resolve(options.prefix ?? dirname(configPath));
  const parsed = await parseNginxConfig(configPath, fileSystem);
  const walker = new Walker(prefix, parsed.problems);
  walker.main(parsed.directives);
  const pidDirective = parsed.directives.find((directive) => directive.name === 'pid');
  let pidFile: string;
  if (pidDirective?.args[0] !== undefined) pidFile = walker.path(pidDirective.args[0]);
  else pidFile = await defaultPidFile(prefix, fileSystem);
  return {
    configPath,
    prefix,
    files: parsed.files,
    pidFile,
    pidFileConfigured: pidDirective !== undefined,
    stubStatus: rank(walker.stubStatus),
    plusApi: rank(walker.plusApi),
    accessLogs: walker.accessLogs,
    errorLogs: walker.errorLogs,
    logFormats: Object.fromEntries(walker.httpFormats),
    problems: parsed.problems,
  };
}

async function defaultPidFile(prefix: string, fileSystem: ConfigFileSystem): Promise<string> {
  const candidates = ['/run/nginx.pid', '/var/run/nginx.pid', resolve(prefix, 'logs/nginx.pid')];
  for (const candidate of candidates) if (await fileSystem.exists(candidate)) return candidate;
  return resolve(prefix, 'logs/nginx.pid');
}

interface ServerContext {
  listens: ListenAddress[];
  serverNames: string[];
}

class Walker {
  readonly stubStatus: DiscoveredEndpoint[] = [];
  readonly plusApi: DiscoveredEndpoint[] = [];
  readonly accessLogs: DiscoveredAccessLog[] = [];
  readonly errorLogs: DiscoveredErrorLog[] = [];
  readonly httpFormats = new Map<string, DiscoveredLogFormat>([
    ['combined', { name: 'combined', text: COMBINED_LOG_FORMAT, escape: 'default' }],
  ]);
  readonly #streamFormats = new Map<string, DiscoveredLogFormat>();
  readonly #prefix: string;
  readonly #problems: string[];

  constructor(prefix: string, problems: string[]) {
    this.#prefix = prefix;
    this.#problems = problems;
  }

  /** A path as nginx resolves it: relative ones against the prefix. */
  path(value: string): string {
    return isAbsolute(value) ? value : resolve(this.#prefix, value);
  }

  main(directives: Directive[]): void {
    for (const directive of directives) {
      if (directive.name === 'error_log') this.#errorLog(directive);
      else if (directive.name === 'http' && directive.block) this.#http(directive.block);
      else if (directive.name === 'stream' && directive.block) this.#stream(directive.block);
    }
  }

  #http(directives: Directive[]): void {
    // log_format is valid anywhere in http but applies to the whole context: collect it first.
    this.#collectFormats(directives, this.httpFormats);
    this.#logs(directives, 'http');
    for (const directive of directives) {
      if (directive.name === 'server' && directive.block) this.#server(directive.block);
    }
  }

  #stream(directives: Directive[]): void {
    this.#collectFormats(directives, this.#streamFormats);
    this.#logs(directives, 'stream');
    for (const directive of directives) {
      if (directive.name === 'server' && directive.block) this.#logs(directive.block, 'stream');
    }
  }

  #collectFormats(directives: Directive[], formats: Map<string, DiscoveredLogFormat>): void {
    const visit = (list: Directive[]) => {
      for (const directive of list) {
        if (directive.name === 'log_format') {
          const [name, ...rest] = directive.args;
          if (name === undefined) continue;
          let escaping: DiscoveredLogFormat['escape'] = 'default';
          if (rest[0]?.startsWith('escape=')) {
            const value = (rest.shift() as string).slice('escape='.length);
            if (value === 'json' || value === 'none' || value === 'default') escaping = value;
          }
          formats.set(name, {
            name,
            text: rest.join(''),
            escape: escaping,
            file: directive.file,
            line: directive.line,
          });
        } else if (directive.block && directive.name !== 'server') visit(directive.block);
      }
    };
    visit(directives);
  }

  /** The access_log and error_log directives directly in a block. */
  #logs(directives: Directive[], context: 'http' | 'stream'): void {
    for (const directive of directives) {
      if (directive.name === 'access_log') this.#accessLog(directive, context);
      else if (directive.name === 'error_log') this.#errorLog(directive);
    }
  }

  #server(directives: Directive[]): void {
    const server: ServerContext = { listens: [], serverNames: [] };
    for (const directive of directives) {
      if (directive.name === 'listen') {
        const listen = parseListen(directive.args);
        if (listen) server.listens.push(listen);
        else this.#problems.push(`${where(directive)}: cannot read "listen ${directive.args.join(' ')}"`);
      } else if (directive.name === 'server_name') server.serverNames.push(...directive.args);
    }
    if (server.listens.length === 0)
      server.listens.push({ host: '*', port: 80, ssl: false, defaultServer: false, text: '*:80' });
    this.#logs(directives, 'http');
    this.#locations(directives, server);
  }

  #locations(directives: Directive[], server: ServerContext): void {
    for (const directive of directives) {
      if (!directive.block) continue;
      if (directive.name === 'location') {
        const path = locationPath(directive.args);
        const inner = directive.block;
        if (inner.some((child) => child.name === 'stub_status' && child.args[0] !== 'off')) {
          this.#endpoint(this.stubStatus, directive, path, server);
        }
        if (inner.some((child) => child.name === 'api')) this.#endpoint(this.plusApi, directive, path, server);
        this.#logs(inner, 'http');
        this.#locations(inner, server);
      } else if (directive.name === 'if' || directive.name === 'limit_except') {
        this.#logs(directive.block, 'http');
      }
    }
  }

  #endpoint(list: DiscoveredEndpoint[], directive: Directive, path: string | undefined, server: ServerContext): void {
    if (path === undefined) {
      this.#problems.push(
        `${where(directive)}: cannot build a URL for "location ${directive.args.join(' ')}" (a regex or named location)`,
      );
      return;
    }
    const hostHeader = server.serverNames.find(
      (name) => /^[A-Za-z0-9.-]+$/.test(name) && name !== '_' && !name.startsWith('.'),
    );
    for (const listen of server.listens) {
      const scheme = listen.ssl ? 'https' : 'http';
      const endpoint: DiscoveredEndpoint = {
        url: listen.socketPath
          ? `${scheme}://${hostHeader ?? 'localhost'}${path}`
          : `${scheme}://${connectHost(listen.host as string)}${defaultPort(scheme, listen.port)}${path}`,
        listen: listen.text,
        serverNames: server.serverNames,
        location: path,
        file: directive.file,
        line: directive.line,
      };
      if (hostHeader !== undefined) endpoint.hostHeader = hostHeader;
      if (listen.socketPath) endpoint.socketPath = listen.socketPath;
      list.push(endpoint);
    }
  }

  #accessLog(directive: Directive, context: 'http' | 'stream'): void {
    const [target, formatName, ...parameters] = directive.args;
    if (target === undefined || target === 'off') return;
    if (target.startsWith('syslog:') || target.startsWith('memory:')) return;
    if (target.includes('$')) {
      this.#problems.push(`${where(directive)}: the access log path ${target} has variables; it cannot be followed`);
      return;
    }
    const formats = context === 'http' ? this.httpFormats : this.#streamFormats;
    const name = formatName ?? (context === 'http' ? 'combined' : undefined);
    const format = name === undefined ? undefined : formats.get(name);
    if (format === undefined) {
      this.#problems.push(`${where(directive)}: the log format ${name ?? '(none)'} of ${target} is not defined`);
      return;
    }
    const path = this.path(target);
    if (this.accessLogs.some((log) => log.path === path && log.format.name === format.name)) return;
    this.accessLogs.push({
      path,
      format,
      context,
      buffered: parameters.some((parameter) => parameter.startsWith('buffer=') || parameter.startsWith('gzip')),
      gzip: parameters.some((parameter) => parameter.startsWith('gzip')),
      conditional: parameters.some((parameter) => parameter.startsWith('if=')),
      file: directive.file,
      line: directive.line,
    });
  }

  #errorLog(directive: Directive): void {
    const [target, level] = directive.args;
    if (target === undefined || target === 'stderr' || target.startsWith('syslog:') || target.startsWith('memory:'))
      return;
    const path = this.path(target);
    if (this.errorLogs.some((log) => log.path === path)) return;
    this.errorLogs.push({ path, level: level ?? 'error', file: directive.file, line: directive.line });
  }
}

/** The literal path of a location, or undefined for a named location or a regex that is not a plain path. */
function locationPath(args: readonly string[]): string | undefined {
  const [first, second] = args;
  if (first === undefined) return undefined;
  if (first === '=' || first === '^~') return second;
  if (first === '~' || first === '~*') {
    // A regex that is only a literal path (`^/nginx_status$`) still names one URL.
    const literal = second?.replace(/^\^/, '').replace(/\$$/, '');
    return literal !== undefined && /^\/[A-Za-z0-9_\-/.]*$/.test(literal) ? literal : undefined;
  }
  if (first.startsWith('@')) return undefined;
  if (first.startsWith('=')) return first.slice(1);
  if (first.startsWith('^~')) return first.slice(2);
  if (first.startsWith('~')) return undefined;
  return first;
}

function defaultPort(scheme: string, port: number | undefined): string {
  if (port === undefined || (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443)) return '';
  return `:${port}`;
}

function where(directive: Directive): string {
  return `${directive.file}:${directive.line}`;
}

/** Loopback and wildcard listens before specific addresses, plain HTTP before TLS, TCP before unix sockets. */
function rank(endpoints: DiscoveredEndpoint[]): DiscoveredEndpoint[] {
  const score = (endpoint: DiscoveredEndpoint) =>
    (endpoint.socketPath ? 4 : 0) +
    (endpoint.url.startsWith('https:') ? 2 : 0) +
    (/^https?:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(endpoint.url) ? 0 : 1);
  return endpoints
    .map((endpoint, index) => ({ endpoint, index }))
    .sort((a, b) => score(a.endpoint) - score(b.endpoint) || a.index - b.index)
    .map(({ endpoint }) => endpoint);
}
