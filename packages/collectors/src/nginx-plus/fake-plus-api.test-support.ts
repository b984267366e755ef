// A stand-in NGINX Plus API over real HTTP, serving the schema-shaped fixtures in __fixtures__/
// (NGINX Plus cannot run here). Tests change the responses between scrapes. Not part of the
// public entry.
import { readdirSync, readFileSync } from 'node:fs';
import { getPlatform, type HttpServer } from '@wasmpipe/core';

/** A fixture set: a directory of `__fixtures__/`. */
export type PlusRelease = 'r33-api9' | 'r22-api6' | 'r18-api4';

/** A raw body to serve instead of JSON (garbage, truncated JSON). */
export interface RawBody {
  raw: string;
  status?: number;
}

/** A running fake API. */
export interface FakePlusApi {
  /** The API base, `http://127.0.0.1:<port>/api`. */
  readonly url: string;
  /** The versions `GET /api/` lists. */
  versions: unknown;
  /** Each endpoint's response by path (`nginx`, `http/upstreams`); absent paths answer 404. */
  readonly responses: Map<string, unknown>;
  /** Paths requested, in order (`/api/`, `/api/9/nginx`...). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Loads a release's fixtures: every endpoint's JSON by path, and the versions list. */
export function loadRelease(release: PlusRelease): { versions: number[]; responses: Map<string, unknown> } {
  const directory = new URL(`./__fixtures__/${release}/`, import.meta.url);
  const responses = new Map<string, unknown>();
  let versions: number[] = [];
  for (const file of readdirSync(directory)) {
    const data = JSON.parse(readFileSync(new URL(file, directory), 'utf8'));
    const name = file.replace(/\.json$/, '');
    if (name === 'versions') versions = data;
    else responses.set(name.replace('-', '/'), data);
  }
  return { versions, responses };
}

const apiError = (status: number, text: string, code: string) =>
  new Response(
    JSON.stringify({
      error: { status, text, code },
      request_id: 'b2c4f6e8a0b2c4f6e8a0b2c4f6e8a0b2',
      href: 'https://nginx.org/en/docs/http/ngx_http_api_module.html',
    }),
    { status, headers: { 'content-type': 'application/json' } },
  );

/** Starts the fake API for a release on a free loopback port. */
export async function startFakePlusApi(release: PlusRelease): Promise<FakePlusApi> {
  const loaded = loadRelease(release);
  const requests: string[] = [];
  let server: HttpServer | undefined;
  const fake: FakePlusApi = {
    get url() {
      return `http://127.0.0.1:${server?.port}/api`;
    },
    versions: loaded.versions,
    responses: loaded.responses,
    requests,
    close: () => server?.close() ?? Promise.resolve(),
  };
  server = await getPlatform().serve({ hostname: '127.0.0.1', port: 0 }, (request) => {
    const { pathname } = new URL(request.url);
    requests.push(pathname);
    if (pathname === '/api/' || pathname === '/api') return json(fake.versions);
    const match = /^\/api\/(\d+)\/(.+?)\/?$/.exec(pathname);
    if (!match) return apiError(404, 'path not found', 'PathNotFound');
    const version = Number(match[1]);
    if (!Array.isArray(fake.versions) || !fake.versions.includes(version)) {
      return apiError(404, 'unknown version', 'UnknownVersion');
    }
    if (!fake.responses.has(match[2] as string)) return apiError(404, 'path not found', 'PathNotFound');
    const body = fake.responses.get(match[2] as string);
    if (isRaw(body))
      return new Response(body.raw, { status: body.status ?? 200, headers: { 'content-type': 'application/json' } });
    return json(body);
  });
  return fake;
}

function isRaw(value: unknown): value is RawBody {
  return typeof value === 'object' && value !== null && typeof (value as RawBody).raw === 'string';
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}
