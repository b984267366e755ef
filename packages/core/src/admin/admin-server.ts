import type { Service } from '../pipeline/service.ts';
import type { HttpServer, Platform } from '../platform/types.ts';

/** Where the admin endpoint listens. */
export interface AdminOptions {
  hostname: string;
  port: number;
  platform: Platform;
}

const json = (status: number, body: unknown): Response =>
  new Response(`${JSON.stringify(body, null, 2)}\n`, { status, headers: { 'content-type': 'application/json' } });

/**
 * Serves `/healthz` (the process is up and the service has not failed), `/readyz` (the pipelines
 * are running), and `/components` (every component's counters and gauges, as JSON).
 */
export function startAdminServer(service: Service, options: AdminOptions): Promise<HttpServer> {
  return options.platform.serve({ hostname: options.hostname, port: options.port }, (request) => {
    const { pathname } = new URL(request.url);
    if (request.method !== 'GET') return json(405, { error: `Only GET is served; got ${request.method}.` });
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
        return json(404, { error: `No such path ${pathname}; try /healthz, /readyz or /components.` });
    }
  });
}

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
