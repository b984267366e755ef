import type { ScrapeTarget } from '../nginx-shared/endpoint-source.ts';
import type { ScrapeClient } from '../nginx-shared/http-client.ts';
import { ScrapeFailure } from '../nginx-shared/scrape-failure.ts';
import { pickApiVersion } from './endpoints.ts';

/** What one endpoint gave: its JSON, or nothing because it is not configured (404). */
export type EndpointResult = { found: true; data: unknown } | { found: false };

/** The NGINX Plus API at one base URL (`http://127.0.0.1:8080/api`): version discovery and JSON GETs. */
export class PlusApi {
  readonly #client: ScrapeClient;

  constructor(client: ScrapeClient) {
    this.#client = client;
  }

  /**
   * The API version to read: `configured` if the server offers it, else the highest offered that
   * this collector knows. Throws a ScrapeFailure when the root does not list versions.
   */
  async version(target: ScrapeTarget, configured: number | undefined): Promise<number> {
    const url = `${base(target.url)}/`;
    const result = await this.#getJson(target, url);
    if (!result.found)
      throw new ScrapeFailure('http_status', `GET ${url} answered 404: is this the NGINX Plus api location?`);
    const offered = result.data;
    if (!Array.isArray(offered) || offered.length === 0 || !offered.every((item) => Number.isInteger(item))) {
      throw new ScrapeFailure(
        'invalid_response',
        `GET ${url} did not list API versions: expected a list of integers such as [1,2,3], got ${excerpt(JSON.stringify(offered))}`,
      );
    }
    if (configured !== undefined) {
      if (!offered.includes(configured)) {
        throw new ScrapeFailure(
          'invalid_response',
          `The NGINX Plus API at ${url} does not offer the configured api_version ${configured}; it offers ${offered.join(', ')}`,
        );
      }
      return configured;
    }
    return pickApiVersion(offered as number[]) as number;
  }

  /** GETs `/api/<version>/<path>`; a 404 means the endpoint is not configured. */
  endpoint(target: ScrapeTarget, version: number, path: string): Promise<EndpointResult> {
    return this.#getJson(target, `${base(target.url)}/${version}/${path}`);
  }

  async #getJson(target: ScrapeTarget, url: string): Promise<EndpointResult> {
    let body: string;
    try {
      body = (await this.#client.get(url, { headers: target.headers, socketPath: target.socketPath })).body;
    } catch (error) {
      if (error instanceof ScrapeFailure && error.status === 404) {
        return { found: false };
      }
      throw error;
    }
    try {
      return { found: true, data: JSON.parse(body) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const what = body.trim() === '' ? 'an empty body' : `invalid JSON (${reason})`;
      throw new ScrapeFailure('invalid_response', `GET ${url} returned ${what}`);
    }
  }
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

function excerpt(text: string | undefined): string {
  if (text === undefined) return 'nothing';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
