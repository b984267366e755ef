import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Service } from '../pipeline/service.ts';
import type { HttpServer, Platform } from '../platform/types.ts';
import { tapResponse } from './tap-stream.ts';

/** Where the admin endpoint listens. */
export interface AdminOptions {
  hostname: string;
  port: number;
  platform: Platform;
  /**
   * Turns a tapped batch into one line of JSON (no line break) for `GET /tap/<id>`. The CLI
   * passes the OTLP/JSON encoder; the default writes the core model with bigints as strings.
   */
  encodeTap?: (signal: Signal, batch: MetricsBatch | LogsBatch) => string;
}

const json = (status: number, body: unknown): Response =>
  new Response(`${JSON.stringify(body, null, 2)}\n`, { status, headers: { 'content-type': 'application/json' } });

/**
 * Serves `/healthz` (the process is up and the service has not failed), `/readyz` (the pipelines
 * are running), `/components` (every component's counters and gauges, as JSON), and
 * `/tap/<component id>` (the batches leaving that component, one JSON line each, as they pass).
 */
export async function startAdminServer(
  serviceOrCurrent: Service | (() => Service),
  options: AdminOptions,
): Promise<HttpServer> {
  // `wasmpipe run` swaps its service on a config reload (SIGHUP) and passes a function that
  // returns the one running now.
  const current = typeof serviceOrCurrent === 'function' ? serviceOrCurrent : () => serviceOrCurrent;
  // Closing ends every tap stream cleanly first, so `wasmpipe tap` sees the end, not a broken connection.
  const closing = new AbortController();
  let tapping = 0;
  const server = await options.platform.serve({ hostname: options.hostname, port: options.port }, (request) => {
    const { pathname } = new URL(request.url);
    const service = current();
    if (request.method !== 'GET') return json(405, { error: `Only GET is served; got ${request.method}.` });
    if (pathname.startsWith('/tap/')) {
      const id = decodeURIComponent(pathname.slice('/tap/'.length));
      if (!service.taps.has(id)) {
        return json(404, { error: `No component "${id}" can be tapped.`, components: service.taps.ids() });
      }
      tapping += 1;
      const ended = () => {
        tapping -= 1;
      };
      return tapResponse(service.taps, id, options.encodeTap, AbortSignal.any([request.signal, closing.signal]), ended);
    }
    switch (pathname) {
      case '/healthz': {
        const healthy = service.state !== 'failed';
        return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'failed', state: service.state });
      }
      case '/readyz': {
        const ready = service.state === 'running';
        return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', state: service.state });
      }
      case '/components':
        return json(200, { state: service.state, components: componentsOf(service) });
      default:
        return json(404, { error: `No such path ${pathname}; try /healthz, /readyz, /components or /tap/<id>.` });
    }
  });
  return {
    port: server.port,
    hostname: server.hostname,
    async close() {
      const streaming = tapping > 0;
      closing.abort();
      if (streaming) await new Promise((resolve) => setTimeout(resolve, TAP_CLOSE_GRACE_MS));
      await server.close();
    },
  };
}

/** How long closing waits for ended tap streams to reach their readers. */
const TAP_CLOSE_GRACE_MS = 100;

function componentsOf(service: Service): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const [componentId, values] of Object.entries(service.telemetry.snapshot())) {
    const entry: Record<string, number> = {};
    for (const value of values)
      entry[value.signal ? `${value.name}{signal=${value.signal}}` : value.name] = value.value;
    result[componentId] = entry;
  }
  return result;
}
