import type { CreateContext } from '@wasmpipe/core';
import { resolveFrom } from './config.ts';
import { ScrapeClient } from './http-client.ts';

interface ClientConfig {
  headers: Record<string, string>;
  timeout: number;
  tls: {
    ca_file?: string | undefined;
    cert_file?: string | undefined;
    key_file?: string | undefined;
    insecure_skip_verify: boolean;
  };
}

/** The HTTP client of a scraping collector, from its config; relative TLS paths resolve against the config's directory. */
export function createScrapeClient(
  config: ClientConfig,
  context: CreateContext,
  limits: { maxBodyBytes: number; maxSockets?: number },
): ScrapeClient {
  const resolve = (path: string | undefined) =>
    path === undefined ? undefined : resolveFrom(context.configDirectory, path);
  return new ScrapeClient({
    headers: config.headers,
    timeoutMillis: config.timeout,
    tls: {
      ca_file: resolve(config.tls.ca_file),
      cert_file: resolve(config.tls.cert_file),
      key_file: resolve(config.tls.key_file),
      insecure_skip_verify: config.tls.insecure_skip_verify,
    },
    platform: context.platform,
    ...limits,
  });
}
