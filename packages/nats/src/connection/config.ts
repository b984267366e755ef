// The connection options every NATS component takes (the nats exporter, the nats collector):
// servers, authentication, TLS and reconnection. Spread `natsConnectionShape` into a component's
// schema so the options sit at the top level of its config, beside its own.
import { type Infer, joinPath, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { tlsClientConfig, validateTlsClientConfig } from '@wasmpipe/exporters';

const { insecure: _plaintext, ...tlsShape } = tlsClientConfig.shape;

/**
 * The `tls` block, the same as the OTLP exporters' (ca_file, cert_file, key_file,
 * insecure_skip_verify, min_version, server_name_override). Setting it requires TLS.
 */
export const natsTlsConfig = s.object(tlsShape);

/** The connection options, to spread into a NATS component's config schema. */
export const natsConnectionShape = {
  servers: s
    .array(s.string({ nonEmpty: true }), { minItems: 1 })
    .default(['nats://127.0.0.1:4222'])
    .describe('NATS server URLs (nats://host:port, tls://host:port or host:port); the client tries each in turn.'),
  name: s
    .string({ nonEmpty: true })
    .optional()
    .describe('Connection name shown by the server; the component id by default.'),
  credentials_file: s
    .string({ nonEmpty: true })
    .optional()
    .describe('A NATS .creds file (user JWT and NKey seed), as `nsc` writes it.'),
  token: s.secret().optional().describe('Token authentication. Secret: never logged or printed.'),
  user: s.string({ nonEmpty: true }).optional().describe('User name for user/password authentication.'),
  password: s.secret().optional().describe('Password for `user`. Secret: never logged or printed.'),
  tls: natsTlsConfig.optional().describe('TLS settings; when present the connection must be TLS.'),
  connect_timeout: s.duration({ min: 1 }).default('5s').describe('Time limit for one connection attempt.'),
  reconnect_wait: s
    .duration({ min: 1 })
    .default('250ms')
    .describe('First wait between reconnection rounds; doubles each round up to max_reconnect_wait.'),
  max_reconnect_wait: s.duration({ min: 1 }).default('10s').describe('Longest wait between reconnection rounds.'),
  reconnect_jitter: s.duration().default('100ms').describe('Random time added to each reconnection wait.'),
  max_reconnect_attempts: s
    .integer({ min: -1 })
    .default(-1)
    .describe('Reconnection attempts per server before giving up; -1 retries forever.'),
};

/** The connection options as a schema of their own. */
export const natsConnectionConfig = s.object(natsConnectionShape);

/** The checked connection options. */
export type NatsConnectionConfig = Infer<typeof natsConnectionConfig>;

/** Checks what the schema cannot: one authentication method, user with password, server URLs, files. */
export async function validateNatsConnection(
  config: NatsConnectionConfig,
  context: ValidateContext,
): Promise<Problem[]> {
  const { path } = context;
  const problems: Problem[] = [];
  const methods = [
    config.credentials_file !== undefined && 'credentials_file',
    config.token !== undefined && 'token',
    (config.user !== undefined || config.password !== undefined) && 'user/password',
  ].filter((method): method is string => method !== false);
  if (methods.length > 1)
    problems.push({ path, message: `choose one authentication method; found ${methods.join(' and ')}` });
  if ((config.user === undefined) !== (config.password === undefined))
    problems.push({
      path: joinPath(path, config.user === undefined ? 'user' : 'password'),
      message: 'is required with the other of user and password',
    });
  config.servers.forEach((server, index) => {
    const problem = checkServer(server);
    if (problem) problems.push({ path: joinPath(joinPath(path, 'servers'), index), message: problem });
  });
  if (config.credentials_file !== undefined) {
    const file = resolvePath(config.credentials_file, context.configDirectory);
    if (!(await context.platform.isFile(file)))
      problems.push({ path: joinPath(path, 'credentials_file'), message: `${file} is not a readable file` });
  }
  if (config.max_reconnect_wait < config.reconnect_wait)
    problems.push({ path: joinPath(path, 'max_reconnect_wait'), message: 'must be at least reconnect_wait' });
  problems.push(
    ...(await validateTlsClientConfig(
      config.tls === undefined ? undefined : { ...config.tls, insecure: false },
      joinPath(path, 'tls'),
      context.platform,
      context.configDirectory,
    )),
  );
  return problems;
}

/**
 * What is wrong with one server URL, or undefined. Never quotes the URL: it may carry credentials,
 * which belong in `user`/`password` or `token` where they are kept secret.
 */
function checkServer(server: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  if (!URL.canParse(withScheme)) return 'is not a valid server URL (expected nats://host:port)';
  const url = new URL(withScheme);
  if (!['nats:', 'tls:'].includes(url.protocol))
    return `has scheme ${url.protocol.slice(0, -1)}; expected nats:// or tls://`;
  if (url.username !== '' || url.password !== '')
    return 'must not carry credentials; set user and password (or token) instead, so they stay secret';
  if (url.hostname === '') return 'has no host';
  return undefined;
}

/** A config path resolved against the config file's directory. */
export function resolvePath(path: string, configDirectory: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${configDirectory.replace(/[\\/]+$/, '')}/${path}`;
}
