import { isAbsolute, resolve } from 'node:path';
import { joinPath, type Platform, type Problem, s } from '@wasmpipe/core';
import { DEFAULT_NGINX_CONFIG_PATH } from '../nginx-discovery/discover.ts';

/** The `tls` block of a scraping collector, named as the OpenTelemetry Collector's. */
export const tlsConfig = s
  .object({
    ca_file: s
      .string({ nonEmpty: true })
      .optional()
      .describe('PEM file of the CA(s) that sign the server certificate.'),
    cert_file: s
      .string({ nonEmpty: true })
      .optional()
      .describe('PEM client certificate, for servers that ask for one.'),
    key_file: s.string({ nonEmpty: true }).optional().describe('PEM key of the client certificate.'),
    insecure_skip_verify: s.boolean().default(false).describe('Do not verify the server certificate (tests only).'),
  })
  .default({});

/** The options every scraping nginx collector shares (`nginx`, `nginx_plus`). */
export function scrapeOptions(defaultTimeout: string) {
  return {
    endpoint: s
      .string({ nonEmpty: true, pattern: /^https?:\/\//i, patternHint: 'an http:// or https:// URL' })
      .optional()
      .describe('The URL to scrape; required unless discover is true.'),
    discover: s.boolean().default(false).describe('Find the endpoint in nginx.conf (config_path) instead.'),
    config_path: s
      .string({ nonEmpty: true })
      .default(DEFAULT_NGINX_CONFIG_PATH)
      .describe('The nginx.conf discovery reads.'),
    collection_interval: s.duration({ min: 1 }).default('10s').describe('How often to scrape.'),
    initial_delay: s.duration().default('1s').describe('How long to wait after start before the first scrape.'),
    timeout: s.duration({ min: 1 }).default(defaultTimeout).describe('Time limit for one HTTP request, body included.'),
    headers: s.record(s.string()).default({}).describe('Headers sent with every request (e.g. Authorization).'),
    tls: tlsConfig.describe('TLS options for https:// endpoints.'),
    instance_id: s
      .string({ nonEmpty: true })
      .optional()
      .describe(
        'The instance.id resource attribute; default a UUID derived from nginx.conf (discover) or the endpoint.',
      ),
  };
}

interface SharedConfig {
  endpoint?: string | undefined;
  discover: boolean;
  config_path: string;
  tls: { ca_file?: string | undefined; cert_file?: string | undefined; key_file?: string | undefined };
}

/** Cross-field and file checks of the shared options; every problem with its path. */
export async function validateScrapeOptions(
  config: SharedConfig,
  path: string,
  platform: Platform,
  configDirectory: string,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (config.endpoint === undefined && !config.discover) {
    problems.push({ path: joinPath(path, 'endpoint'), message: 'is required unless discover is true' });
  }
  if (config.endpoint !== undefined && !URL.canParse(config.endpoint)) {
    problems.push({
      path: joinPath(path, 'endpoint'),
      message: `is not a valid URL: ${JSON.stringify(config.endpoint)}`,
    });
  }
  if (config.discover && !(await platform.isFile(resolveFrom(configDirectory, config.config_path)))) {
    problems.push({ path: joinPath(path, 'config_path'), message: `${config.config_path} is not a readable file` });
  }
  const { cert_file, key_file } = config.tls;
  if ((cert_file === undefined) !== (key_file === undefined)) {
    problems.push({
      path: joinPath(path, 'tls'),
      message: 'cert_file and key_file go together: give both or neither',
    });
  }
  for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
    const file = config.tls[key];
    if (file !== undefined && !(await platform.isFile(resolveFrom(configDirectory, file)))) {
      problems.push({ path: joinPath(path, `tls.${key}`), message: `${file} is not a readable file` });
    }
  }
  return problems;
}

/** A path from the config, relative ones resolved against the config file's directory. */
export function resolveFrom(configDirectory: string, path: string): string {
  return isAbsolute(path) ? path : resolve(configDirectory, path);
}
