import { type Infer, s } from '@wasmpipe/core';
import type { Scraper, ScraperEnvironment } from '../scraper.ts';
import { cpuScraperConfig } from './cpu/metadata.ts';
import { createCpuScraper } from './cpu/scraper.ts';
import { memoryScraperConfig } from './memory/metadata.ts';
import { createMemoryScraper } from './memory/scraper.ts';

// A new scraper (disk, filesystem, network, load, paging, processes...) is a folder beside cpu/
// and memory/, plus one line in each of the two maps below.

/** The config of `scrapers`: a scraper is enabled when its key is present. */
export const scrapersConfig = s.object({
  cpu: cpuScraperConfig.optional(),
  memory: memoryScraperConfig.optional(),
});

/** The checked config of `scrapers`. */
export type ScrapersConfig = Infer<typeof scrapersConfig>;

/** A scraper name, as written under `scrapers`. */
export type ScraperName = keyof ScrapersConfig;

type ScraperFactories = {
  [Name in ScraperName]: (config: NonNullable<ScrapersConfig[Name]>, environment: ScraperEnvironment) => Scraper;
};

const SCRAPER_FACTORIES: ScraperFactories = {
  cpu: createCpuScraper,
  memory: createMemoryScraper,
};

/** Every scraper name, in the order scrapers run and their metrics appear in a batch. */
export const SCRAPER_NAMES = Object.keys(SCRAPER_FACTORIES) as ScraperName[];

/** A scraper with the name it is configured and logged under. */
export interface NamedScraper {
  readonly name: ScraperName;
  readonly scraper: Scraper;
}

/** Creates the scrapers whose key is present in `config`. */
export function createScrapers(config: ScrapersConfig, environment: ScraperEnvironment): NamedScraper[] {
  return SCRAPER_NAMES.flatMap((name) => {
    const scraperConfig = config[name];
    if (scraperConfig === undefined) return [];
    const create = SCRAPER_FACTORIES[name] as (
      config: NonNullable<typeof scraperConfig>,
      environment: ScraperEnvironment,
    ) => Scraper;
    return [{ name, scraper: create(scraperConfig, environment) }];
  });
}
