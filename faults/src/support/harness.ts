// What every fault case shares: starting the real binary from a YAML config, reading its
// counters from the admin endpoint, comparing what was sent with what arrived, and recording the
// case's figures for reliability/results/faults.json.
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  eventually,
  startWasmpipe,
  type WasmpipeProcess,
} from '../../../packages/cli/src/testing/wasmpipe-process.test-support.ts';

export { eventually, type WasmpipeProcess };

/** One row of faults.json (the TEAM.md reliability format, plus `dropped`). */
export interface CaseReport {
  name: string;
  area: string;
  sent?: number;
  received?: number;
  /** Records wasmpipe dropped on purpose and counted (a permanent error, a drop policy). */
  dropped?: number;
  lost?: number;
  duplicated?: number;
  crashes?: number;
  result: 'pass' | 'fail';
  notes?: string;
}

/** The figures a case fills in as it goes; kept even when it fails half-way. */
export type Figures = Omit<Partial<CaseReport>, 'name' | 'area' | 'result'> & { notes?: string };

/**
 * A fault case: a node:test test whose figures are appended (as one JSON line) to the file named by
 * WASMPIPE_FAULTS_RESULTS, pass or fail, so faults.json has a row for every case that ran.
 */
export function faultCase(
  name: string,
  area: string,
  body: (figures: Figures) => Promise<void>,
  options: { timeout?: number; skip?: string | false } = {},
): void {
  test(name, { timeout: options.timeout ?? 120_000, skip: options.skip ?? false }, async () => {
    const figures: Figures = {};
    let result: 'pass' | 'fail' = 'fail';
    try {
      await body(figures);
      result = 'pass';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      figures.notes = `${figures.notes ? `${figures.notes} ` : ''}FAILED: ${message.split('\n')[0]}`;
      throw error;
    } finally {
      const file = process.env['WASMPIPE_FAULTS_RESULTS'];
      if (file) appendFileSync(file, `${JSON.stringify({ name, area, ...figures, result })}\n`);
    }
  });
}

/** A temp dir for a case, removed by the returned function. */
export async function caseDirectory(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `wasmpipe-faults-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Processes started by {@link runWasmpipe}, to be killed if a case fails half-way. */
const running = new Set<WasmpipeProcess>();

/** Writes `yaml` to `<directory>/pipeline.yaml` (unless it exists and `yaml` is undefined) and runs `wasmpipe run` on it. */
export async function runWasmpipe(directory: string, yaml?: string): Promise<Wasmpipe> {
  const config = join(directory, 'pipeline.yaml');
  if (yaml !== undefined) await writeFile(config, yaml);
  const process = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
  running.add(process);
  void process.exited().then(() => running.delete(process));
  await process.waitFor(/Everything is ready/, 60_000);
  const admin = await process.adminUrl(30_000);
  const otlp = /OTLP\/HTTP is listening\.[^\n]*?(http:\/\/[^\s"]+)/.exec(process.stderr() + process.stdout())?.[1];
  return new Wasmpipe(process, config, admin, otlp);
}

/** Kills every wasmpipe a case left running (call from `after`). */
export async function killAll(): Promise<void> {
  for (const process of running) {
    process.child.kill('SIGKILL');
    await process.exited();
  }
}

/** A running wasmpipe with its admin endpoint and, if it has one, its OTLP/HTTP receiver. */
export class Wasmpipe {
  constructor(
    readonly process: WasmpipeProcess,
    readonly configPath: string,
    readonly adminUrl: string,
    readonly otlpUrl: string | undefined,
  ) {}

  /** Every component's counters from `/components`. */
  async components(): Promise<Record<string, Record<string, number>>> {
    const response = await fetch(`${this.adminUrl}/components`);
    return ((await response.json()) as { components: Record<string, Record<string, number>> }).components;
  }

  /** The sum of a counter over its attribute sets, for one component. */
  async counter(component: string, name: string): Promise<number> {
    return sumCounter((await this.components())[component], name);
  }

  /** The log output so far (wasmpipe logs to stderr). */
  log(): string {
    return this.process.stderr() + this.process.stdout();
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | string> {
    if (this.process.child.exitCode === null) this.process.child.kill('SIGTERM');
    return this.process.exited();
  }
}

/** Sums `name` and `name{...}` entries of one component's counters. */
export function sumCounter(entries: Record<string, number> | undefined, name: string): number {
  let total = 0;
  for (const [key, value] of Object.entries(entries ?? {})) {
    if (key === name || key.startsWith(`${name}{`)) total += value;
  }
  return total;
}

/** Sent against received, record by record. */
export interface Tally {
  sent: number;
  /** Distinct sent records that arrived. */
  received: number;
  /** Sent records that never arrived. */
  missing: string[];
  /** Arrivals beyond the first, over every record. */
  duplicated: number;
  /** Records that arrived but were never sent (should not happen). */
  unexpected: string[];
}

/** Compares the keys sent with the sink's arrival counts. */
export function tally(sent: Iterable<string>, received: ReadonlyMap<string, number>): Tally {
  const sentSet = new Set(sent);
  let arrived = 0;
  const missing: string[] = [];
  for (const key of sentSet) {
    if (received.has(key)) arrived++;
    else missing.push(key);
  }
  let duplicated = 0;
  const unexpected: string[] = [];
  for (const [key, count] of received) {
    duplicated += count - 1;
    if (!sentSet.has(key)) unexpected.push(key);
  }
  return { sent: sentSet.size, received: arrived, missing, duplicated, unexpected };
}

/** The keys missing from a tally, shortened for a message. */
export function describeMissing(missing: readonly string[]): string {
  return missing.length === 0 ? 'none' : `${missing.length}: ${missing.slice(0, 10).join(', ')}…`;
}

/** Resolves after `milliseconds`. */
export const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));
