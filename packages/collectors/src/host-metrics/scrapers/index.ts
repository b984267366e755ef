import { type Infer, s } from '@wasmpipe/core';
import type { Scraper, ScraperEnvironment } from '../scraper.ts';
import { cpuScraperConfig } from './cpu/metadata.ts';
import { createCpuScraper } from './cpu/scraper.ts';
import { diskScraperConfig } from './disk/metadata.ts';
import { createDiskScraper } from './disk/scraper.ts';
import { filesystemScraperConfig } from './filesystem/metadata.ts';
import { createFilesystemScraper } from './filesystem/scraper.ts';
import { loadScraperConfig } from './load/metadata.ts';
import { createLoadScraper } from './load/scraper.ts';
import { memoryScraperConfig } from './memory/metadata.ts';
import { createMemoryScraper } from './memory/scraper.ts';
import { networkScraperConfig } from './network/metadata.ts';
import { createNetworkScraper } from './network/scraper.ts';
import { pagingScraperConfig } from './paging/metadata.ts';
import { createPagingScraper } from './paging/scraper.ts';
import { PORTABLE_SCRAPERS } from './portable.ts';
import { processScraperConfig } from './process/metadata.ts';
import { createProcessScraper } from './process/scraper.ts';
import { processesScraperConfig } from './processes/metadata.ts';
import { createProcessesScraper } from './processes/scraper.ts';
import { systemScraperConfig } from './system/metadata.ts';
import { createSystemScraper } from './system/scraper.ts';

// A scraper is a folder beside cpu/ and memory/, plus one line in each of the two maps below.

/** The config of `scrapers`: a scraper is enabled when its key is present. */
export const scrapersConfig = s.object({
  cpu: cpuScraperConfig.optional(),
  memory: memoryScraperConfig.optional(),
  load: loadScraperConfig.optional(),
  disk: diskScraperConfig.optional(),
  filesystem: filesystemScraperConfig.optional(),
  network: networkScraperConfig.optional(),
  paging: pagingScraperConfig.optional(),
  processes: processesScraperConfig.optional(),
  process: processScraperConfig.optional(),
  system: systemScraperConfig.optional(),
});

/** The checked config of `scrapers`. */
export type ScrapersConfig = Infer<typeof scrapersConfig>;

/** A scraper name, as written under `scrapers`. */
export type ScraperName = keyof ScrapersConfig;

/** A scraper factory: the scraper's checked config and the environment it reads. */
export type ScraperFactory<Name extends ScraperName> = (
  config: NonNullable<ScrapersConfig[Name]>,
  environment: ScraperEnvironment,
) => Scraper;

type ScraperFactories = { [Name in ScraperName]: ScraperFactory<Name> };

const SCRAPER_FACTORIES: ScraperFactories = {
  cpu: createCpuScraper,
  memory: createMemoryScraper,
  load: createLoadScraper,
  disk: createDiskScraper,
  filesystem: createFilesystemScraper,
  network: createNetworkScraper,
  paging: createPagingScraper,
  processes: createProcessesScraper,
  process: createProcessScraper,
  system: createSystemScraper,
};

/** Every scraper name, in the order scrapers run and their metrics appear in a batch. */
export const SCRAPER_NAMES = Object.keys(SCRAPER_FACTORIES) as ScraperName[];

/** A scraper with the name it is configured and logged under. */
export interface NamedScraper {
  readonly name: ScraperName;
  readonly scraper: Scraper;
}

/** The scrapers that can run, and the names of those that cannot. */
export interface CreatedScrapers {
  scrapers: NamedScraper[];
  /** Enabled, but `/proc` is missing and they have no portable fallback. */
  unavailable: ScraperName[];
  /** Enabled, `/proc` is missing, and they run from the runtime's `os` module instead. */
  portable: ScraperName[];
}

/**
 * Creates the scrapers whose key is present in `config`. Without `/proc`, a scraper with a
 * portable fallback uses it when `portableAllowed` (the host is this machine, no `root_path`),
 * and the others are left out.
 */
export function createScrapers(
  config: ScrapersConfig,
  environment: ScraperEnvironment,
  options: { procAvailable: boolean; portableAllowed: boolean } = { procAvailable: true, portableAllowed: true },
): CreatedScrapers {
  const created: CreatedScrapers = { scrapers: [], unavailable: [], portable: [] };
  for (const name of SCRAPER_NAMES) {
    const scraperConfig = config[name];
    if (scraperConfig === undefined) continue;
    if (options.procAvailable) {
      const create = SCRAPER_FACTORIES[name] as ScraperFactory<ScraperName>;
      created.scrapers.push({ name, scraper: create(scraperConfig as never, environment) });
      continue;
    }
    const portable = options.portableAllowed ? PORTABLE_SCRAPERS[name] : undefined;
    if (portable) {
      created.scrapers.push({ name, scraper: portable(scraperConfig as never, environment) });
      created.portable.push(name);
    } else {
      created.unavailable.push(name);
    }
  }
  return created;
}
