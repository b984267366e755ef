// The `endpoint` option of a component that listens (a receiver, a pull exporter): `host:port` as
// in the OpenTelemetry Collector, where `:port` means every interface and `[::1]:port` an IPv6 host.

import { s } from '@wasmpipe/core';

/** Where to listen. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

const ENDPOINT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/;

/** Parses `host:port`, `:port` or `[v6]:port`; undefined when it is none of them. */
export function parseListenEndpoint(text: string): ListenAddress | undefined {
  const match = ENDPOINT.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  const hostname = match[1] ?? match[2] ?? '';
  return { hostname: hostname === '' ? '0.0.0.0' : hostname, port };
}

/** The schema of a listen `endpoint` option with its default. */
export function listenEndpoint(defaultValue: string) {
  return s
    .string({ pattern: ENDPOINT, patternHint: 'host:port such as "127.0.0.1:4318" (port 0 picks a free port)' })
    .default(defaultValue);
}
