// The client `tls` block of an exporter, named as the Collector's configtls: which CA to trust,
// an optional client certificate, verification and the lowest TLS version. Files are read at start.

import { type Infer, joinPath, type Platform, type Problem, s } from '@wasmpipe/core';
import { tlsConfig } from '../otlp-http/config.ts';

/**
 * The `tls` option of a gRPC client: the otlp_http exporter's `tls` block (ca_file, cert_file,
 * key_file, insecure_skip_verify, min_version), plus the Collector's `insecure` (plaintext) and
 * `server_name_override`.
 */
export const tlsClientConfig = s.object({
  ...tlsConfig.shape,
  insecure: s.boolean().default(false).describe('gRPC only: connect in plaintext, without TLS.'),
  server_name_override: s
    .string({ nonEmpty: true })
    .optional()
    .describe('The name to check the server certificate against, instead of the endpoint host.'),
});

/** The checked `tls` option. */
export type TlsClientConfig = Infer<typeof tlsClientConfig>;

/** The PEM contents a TLS client needs, read from the configured files. */
export interface TlsMaterial {
  ca?: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
}

/** Resolves a config path against the config file's directory. */
export function resolveConfigPath(path: string, configDirectory: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${configDirectory.replace(/[\\/]+$/, '')}/${path}`;
}

/** Checks that cert and key come together and that every named file exists. */
export async function validateTlsClientConfig(
  tls: TlsClientConfig | undefined,
  path: string,
  platform: Platform,
  configDirectory: string,
): Promise<Problem[]> {
  if (tls === undefined) return [];
  const problems: Problem[] = [];
  if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    problems.push({
      path: joinPath(path, tls.cert_file ? 'key_file' : 'cert_file'),
      message: 'is required with the other of cert_file and key_file',
    });
  }
  for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
    const file = tls[key];
    if (file === undefined) continue;
    const resolved = resolveConfigPath(file, configDirectory);
    if (!(await platform.isFile(resolved)))
      problems.push({ path: joinPath(path, key), message: `${resolved} is not a readable file` });
  }
  return problems;
}

/** Reads the configured PEM files. */
export async function loadTlsMaterial(
  tls: TlsClientConfig,
  platform: Platform,
  configDirectory: string,
): Promise<TlsMaterial> {
  const read = (file: string | undefined) =>
    file === undefined ? undefined : platform.readFile(resolveConfigPath(file, configDirectory));
  const [ca, cert, key] = await Promise.all([read(tls.ca_file), read(tls.cert_file), read(tls.key_file)]);
  const material: TlsMaterial = {};
  if (ca) material.ca = ca;
  if (cert) material.cert = cert;
  if (key) material.key = key;
  return material;
}
