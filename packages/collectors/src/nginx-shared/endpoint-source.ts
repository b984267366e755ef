import { errorMessage } from '@wasmpipe/core';
import { type DiscoveredEndpoint, discoverNginx, type NginxDiscovery } from '../nginx-discovery/discover.ts';
import { nginxInstanceId } from './instance.ts';
import { ScrapeFailure } from './scrape-failure.ts';

/** Where to scrape: a URL, the headers discovery adds to it, and the nginx's `instance.id`. */
export interface ScrapeTarget {
  url: string;
  headers: Record<string, string>;
  socketPath?: string;
  instanceId: string;
}

/**
 * Resolves the scrape target from the config: the `endpoint` as given, or, with `discover`, the
 * best location of the kind asked for in nginx.conf. Discovery runs again after a failed scrape,
 * so a changed nginx.conf (a moved status page) is followed without a restart.
 */
export class EndpointSource {
  readonly #endpoint: string | undefined;
  readonly #discover: boolean;
  readonly #configPath: string;
  readonly #instanceId: string | undefined;
  readonly #pick: (discovery: NginxDiscovery) => DiscoveredEndpoint | undefined;
  readonly #what: string;
  #target: ScrapeTarget | undefined;

  constructor(options: {
    endpoint: string | undefined;
    discover: boolean;
    configPath: string;
    instanceId: string | undefined;
    /** `stub_status` or `api`: names the location in errors. */
    what: string;
    pick: (discovery: NginxDiscovery) => DiscoveredEndpoint | undefined;
  }) {
    this.#endpoint = options.endpoint;
    this.#discover = options.discover;
    this.#configPath = options.configPath;
    this.#instanceId = options.instanceId;
    this.#pick = options.pick;
    this.#what = options.what;
  }

  /** The target, resolving it (and discovering) when needed; throws a ScrapeFailure when discovery fails. */
  async target(): Promise<ScrapeTarget> {
    if (this.#target) return this.#target;
    if (!this.#discover) {
      const url = this.#endpoint as string;
      this.#target = { url, headers: {}, instanceId: this.#instanceId ?? (await nginxInstanceId(url)) };
      return this.#target;
    }
    let discovery: NginxDiscovery;
    try {
      discovery = await discoverNginx({ configPath: this.#configPath });
    } catch (error) {
      throw new ScrapeFailure('discovery', `Discovery in ${this.#configPath} failed: ${errorMessage(error)}`, {
        retryable: true,
      });
    }
    const instanceId = this.#instanceId ?? (await nginxInstanceId(discovery.configPath));
    if (this.#endpoint !== undefined) {
      this.#target = { url: this.#endpoint, headers: {}, instanceId };
      return this.#target;
    }
    const found = this.#pick(discovery);
    if (!found) {
      const hints = discovery.problems.length > 0 ? ` (${discovery.problems.join('; ')})` : '';
      throw new ScrapeFailure(
        'discovery',
        `No location with ${this.#what} in ${discovery.files.join(', ')}${hints}; add one or set endpoint`,
        { retryable: true },
      );
    }
    this.#target = {
      url: found.url,
      headers: found.hostHeader ? { host: found.hostHeader } : {},
      instanceId,
      ...(found.socketPath ? { socketPath: found.socketPath } : {}),
    };
    return this.#target;
  }

  /** Forgets a discovered target so the next scrape discovers again. */
  invalidate(): void {
    if (this.#discover && this.#endpoint === undefined) this.#target = undefined;
  }
}
