import type { Infer, Metric } from '@wasmpipe/core';
import type { ProcessFilter } from '../../../process/process-filter.ts';
import {
  type HostFacts,
  ProcessMetrics,
  type ProcessMetricsConfig,
  partsFor,
} from '../../../process/process-metrics.ts';
import {
  executableName,
  listPids,
  type ProcessSnapshot,
  readCmdline,
  readPidStat,
  readProcess,
  UserNames,
} from '../../../process/procfs/read-process.ts';
import { errorCode, type HostFiles } from '../../host-files.ts';
import type { ResourceGroup, Scraper, ScraperEnvironment } from '../../scraper.ts';
import { countOnlineCpus } from '../cpu/parse-proc-stat.ts';
import { parseMeminfo } from '../memory/parse-meminfo.ts';
import type { processScraperConfig } from './metadata.ts';

/** The checked config of the process scraper. */
export type ProcessScraperConfig = Infer<typeof processScraperConfig>;

/**
 * Reads every process under /proc whose identity passes the filters. The stat file comes first
 * (it names the process); the command line and executable path are read before filtering only
 * when a filter needs them, the rest only for the processes kept.
 */
export function selectProcesses(
  files: HostFiles,
  include: ProcessFilter | undefined,
  exclude: ProcessFilter | undefined,
  parts: ReturnType<typeof partsFor>,
  onDenied: (part: string, error: unknown) => void,
): ProcessSnapshot[] {
  const users = new UserNames(files);
  const needsCommandLine = Boolean(include?.needs.commandLine || exclude?.needs.commandLine);
  const needsExecutable = Boolean(include?.needs.executable || exclude?.needs.executable);
  const snapshots: ProcessSnapshot[] = [];
  for (const pid of listPids(files)) {
    const stat = readPidStat(files, pid);
    if (!stat) continue;
    const filtering = (include && !include.empty) || (exclude && !exclude.empty);
    let cmdline: string[] | undefined;
    if (filtering) {
      // A cut command name (15 bytes) needs the command line to find the full executable name.
      cmdline = needsCommandLine || stat.comm.length >= 15 ? readCmdline(files, pid) : undefined;
      const identity = {
        name: executableName(stat, cmdline),
        executable: needsExecutable ? readExecutable(files, pid) : undefined,
        commandLine: cmdline?.join(' '),
      };
      if (include && !include.empty && !include.matches(identity)) continue;
      if (exclude && !exclude.empty && exclude.matches(identity)) continue;
    }
    const snapshot = readProcess(files, stat, parts, users, onDenied, { cmdline });
    if (snapshot) snapshots.push(snapshot);
  }
  return snapshots;
}

function readExecutable(files: HostFiles, pid: number): string | undefined {
  try {
    return files.readLink(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/** Reads what the enabled process metrics need to know about the host. */
export async function hostFacts(environment: ScraperEnvironment, metrics: ProcessMetricsConfig): Promise<HostFacts> {
  const facts: HostFacts = { bootTimeUnixNano: await environment.bootTimeUnixNano() };
  if (metrics['process.cpu.utilization'].enabled)
    facts.logicalCpus = countOnlineCpus(environment.files.readText('/proc/stat'));
  if (metrics['process.memory.utilization'].enabled) {
    facts.memoryTotalBytes = parseMeminfo(environment.files.readText('/proc/meminfo'))['MemTotal'];
  }
  return facts;
}

/** Creates the process scraper: one resource per selected process. */
export function createProcessScraper(config: ProcessScraperConfig, environment: ScraperEnvironment): Scraper {
  const metrics = new ProcessMetrics(config.metrics);
  const parts = partsFor(config.metrics);
  const onDenied = (part: string, error: unknown) =>
    environment.skipped?.(
      `process ${part}`,
      `Some processes' ${part} cannot be read (${errorCode(error) ?? 'denied'}); run as root to read every process. Their ${part} metrics are left out.`,
      error,
    );
  return {
    async scrape(): Promise<Metric[]> {
      throw new Error('The process scraper produces one resource per process; call scrapeResources.');
    },
    async scrapeResources(timeUnixNano: bigint): Promise<ResourceGroup[]> {
      const snapshots = selectProcesses(environment.files, config.include, config.exclude, parts, onDenied);
      return metrics.record(snapshots, timeUnixNano, await hostFacts(environment, config.metrics));
    },
  };
}
