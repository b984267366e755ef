// The benchmark harness: every scenario measures a subject beside its peer in the same run,
// alternating them, and reports medians and their ratio. The machine is shared and noisy, so a
// single figure means little; a median of several runs beside its peer means more. A comparison
// may carry targets (a limit on the subject's median, on subject minus peer, or on their ratio),
// reported as met or missed with the margin, and published reference figures printed beside ours.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** One side of a comparison: a name and one figure per run. */
export interface Side {
  name: string;
  runs: number[];
}

/**
 * A limit a comparison is held to, e.g. `{ name: 'CPU ≤ 15% of one core', atMost: 15 }`.
 * `of` says what is held: the subject's median (default), the subject's median minus the peer's
 * (`difference`, e.g. RSS above an empty node), or the subject's median over the peer's (`ratio`).
 */
export interface Target {
  name: string;
  of?: 'subject' | 'difference' | 'ratio';
  atMost?: number;
  atLeast?: number;
}

/** A target evaluated on a run: the value held to it, met or missed, and by how much. */
export interface TargetResult {
  name: string;
  of: 'subject' | 'difference' | 'ratio';
  value: number;
  limit: number;
  kind: 'at most' | 'at least';
  met: boolean;
  /** Distance to the limit, positive when met: limit - value for "at most", value - limit for "at least". */
  margin: number;
  /** The margin as a percentage of the limit. */
  marginPercent: number;
}

/** A published figure of another project, printed beside ours (not measured in this run). */
export interface Reference {
  name: string;
  /** One figure, or a range (e.g. RSS 55–79 MiB). */
  value: number | readonly [number, number];
  /** Where the figure comes from. */
  source?: string;
}

/** One measured figure: a subject beside its peer. */
export interface Comparison {
  /** What is measured, e.g. "points/s through the slice". */
  metric: string;
  unit: string;
  /** True when a bigger figure is better (throughput), false when smaller is (CPU, memory). */
  higherIsBetter: boolean;
  subject: Side;
  /** The peer measured in the same run; absent when only published references exist (the testbeds). */
  peer?: Side;
  targets?: Target[];
  references?: Reference[];
  /** Facts of the run worth keeping beside the figure (counts sent and received, batch sizes, ...). */
  details?: Record<string, number | string | boolean>;
}

/** What `run` is given. `smoke` asks for the shortest run that still produces every figure (CI). */
export interface RunOptions {
  runs: number;
  smoke: boolean;
}

/** A benchmark scenario. A scenario that cannot run here (a missing binary) returns no comparisons. */
export interface Scenario {
  name: string;
  description: string;
  run(options: RunOptions): Promise<Comparison[]>;
}

/** Harness-wide settings, set once by main before any scenario runs. */
export const settings = { smoke: false };

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Picks the full-run figure or, in smoke mode, the small one: `sized(200_000, 5_000)`. */
export function sized(full: number, smoke: number): number {
  return settings.smoke ? smoke : full;
}

/**
 * Runs subject and peer alternately `runs` times (after one warm-up each, skipped in smoke mode),
 * collecting figures.
 */
export async function alternate(
  runs: number,
  subject: () => Promise<number>,
  peer: () => Promise<number>,
): Promise<[number[], number[]]> {
  if (!settings.smoke) {
    await subject();
    await peer();
  }
  const subjectRuns: number[] = [];
  const peerRuns: number[] = [];
  for (let index = 0; index < runs; index++) {
    subjectRuns.push(await subject());
    peerRuns.push(await peer());
  }
  return [subjectRuns, peerRuns];
}

/** Evaluates a comparison's targets on its medians. */
export function evaluateTargets(comparison: Comparison): TargetResult[] {
  const subject = median(comparison.subject.runs);
  const peer = comparison.peer ? median(comparison.peer.runs) : Number.NaN;
  return (comparison.targets ?? []).map((target) => {
    const of = target.of ?? 'subject';
    const value = of === 'subject' ? subject : of === 'difference' ? subject - peer : subject / peer;
    const atMost = target.atMost !== undefined;
    const limit = (atMost ? target.atMost : target.atLeast) as number;
    const margin = atMost ? limit - value : value - limit;
    return {
      name: target.name,
      of,
      value,
      limit,
      kind: atMost ? 'at most' : 'at least',
      met: margin >= 0,
      margin,
      marginPercent: limit === 0 ? Number.NaN : (margin / Math.abs(limit)) * 100,
    };
  });
}

/** A figure in a few significant digits, with k/M for large ones. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (magnitude >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatReference(reference: Reference): string {
  const value = reference.value;
  return typeof value === 'number' ? formatFigure(value) : `${formatFigure(value[0])}–${formatFigure(value[1])}`;
}

/** One line per target: "met" or "MISSED", the value, the limit and the margin. */
export function describeTarget(result: TargetResult): string {
  const sign = result.margin >= 0 ? '+' : '−';
  const what = result.of === 'subject' ? '' : ` (${result.of})`;
  return `${result.met ? 'met' : 'MISSED'}: ${result.name}${what}: ${formatFigure(result.value)} vs ${result.kind} ${formatFigure(result.limit)}, margin ${sign}${formatFigure(Math.abs(result.margin))} (${sign}${Math.abs(result.marginPercent).toFixed(0)}%)`;
}

/** Prints a comparison: subject and peer medians, their ratio, references and targets. */
export function printComparison(comparison: Comparison): void {
  const subject = median(comparison.subject.runs);
  console.log(`  ${comparison.metric} (median of ${comparison.subject.runs.length}):`);
  console.log(`    ${comparison.subject.name.padEnd(44)} ${formatFigure(subject).padStart(10)} ${comparison.unit}`);
  if (comparison.peer) {
    const peer = median(comparison.peer.runs);
    console.log(`    ${comparison.peer.name.padEnd(44)} ${formatFigure(peer).padStart(10)} ${comparison.unit}`);
    console.log(`    ratio ${comparison.subject.name} / ${comparison.peer.name}: ${(subject / peer).toFixed(3)}`);
  }
  for (const reference of comparison.references ?? []) {
    const name = `${reference.name} (published)`;
    console.log(`    ${name.padEnd(44)} ${formatReference(reference).padStart(10)} ${comparison.unit}`);
  }
  for (const result of evaluateTargets(comparison)) console.log(`    target ${describeTarget(result)}`);
}

/** What one scenario produced in one invocation of the harness. */
export interface ScenarioResult {
  description: string;
  comparisons: Comparison[];
  /** Wall seconds the scenario took. */
  seconds: number;
  /** The 1-minute load average when the scenario started and ended: the machine is shared. */
  loadAverage: { start: number; end: number };
  skipped?: boolean;
  error?: string;
}

/** The machine a run came from. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}

/** A comparison as written to the results file: medians, the ratio and the evaluated targets added. */
export interface ReportedComparison extends Omit<Comparison, 'subject' | 'peer' | 'targets'> {
  subject: Side & { median: number };
  peer?: Side & { median: number };
  /** Subject median over peer median; null without a peer. */
  ratio: number | null;
  targets: TargetResult[];
}

/** The results file: every scenario's figures, medians, ratios and targets, and the machine. */
export function buildReport(results: Record<string, ScenarioResult>, options: { runs: number; smoke: boolean }) {
  return {
    time: new Date().toISOString(),
    smoke: options.smoke,
    runs: options.runs,
    node: process.version,
    machine: describeMachine(),
    scenarios: Object.fromEntries(
      Object.entries(results).map(([name, result]) => [
        name,
        {
          ...result,
          comparisons: result.comparisons.map((comparison): ReportedComparison => {
            const subject = median(comparison.subject.runs);
            const peer = comparison.peer ? { ...comparison.peer, median: median(comparison.peer.runs) } : undefined;
            const reported: ReportedComparison = {
              ...comparison,
              subject: { ...comparison.subject, median: subject },
              peer,
              ratio: peer === undefined ? null : subject / peer.median,
              targets: evaluateTargets(comparison),
            };
            if (peer === undefined) delete reported.peer;
            return reported;
          }),
        },
      ]),
    ),
  };
}

/** The shape of a results file (bench/results/<time>.json). */
export type Report = ReturnType<typeof buildReport>;

/** The default results directory, bench/results/. */
export const RESULTS_DIRECTORY = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes a report to `<directory>/<time>.json` and `<directory>/latest.json`; returns the first path. */
export function writeReport(report: Report, directory = RESULTS_DIRECTORY): string {
  mkdirSync(directory, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = `${directory.replace(/\/?$/, '/')}${report.time.replace(/[:.]/g, '-')}${report.smoke ? '-smoke' : ''}.json`;
  writeFileSync(file, text);
  writeFileSync(`${directory.replace(/\/?$/, '/')}latest${report.smoke ? '-smoke' : ''}.json`, text);
  return file;
}

function cell(text: string, width: number, right = false): string {
  const clipped = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return right ? clipped.padStart(width) : clipped.padEnd(width);
}

/** The summary table printed at the end of a run: one row per comparison. */
export function summaryTable(report: Report): string {
  const lines = [
    `${cell('scenario', 22)} ${cell('figure', 58)} ${cell('subject', 11, true)} ${cell('peer', 11, true)} ${cell('ratio', 7, true)}  targets`,
  ];
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    if (scenario.error) lines.push(`${cell(name, 22)} FAILED: ${scenario.error.split('\n')[0]}`);
    else if (scenario.comparisons.length === 0) lines.push(`${cell(name, 22)} skipped`);
    for (const comparison of scenario.comparisons) {
      const targets = comparison.targets
        .map((target) => `${target.met ? 'met' : 'MISSED'} ${target.kind} ${formatFigure(target.limit)}`)
        .join('; ');
      lines.push(
        [
          cell(name, 22),
          cell(`${comparison.metric} (${comparison.unit}): ${comparison.subject.name}`, 58),
          cell(formatFigure(comparison.subject.median), 11, true),
          cell(comparison.peer ? formatFigure(comparison.peer.median) : '-', 11, true),
          cell(comparison.ratio === null ? '-' : comparison.ratio.toFixed(3), 7, true),
          ` ${targets}`,
        ].join(' '),
      );
    }
  }
  return lines.join('\n');
}

/** The same summary as a Markdown table, for docs/benchmarks.md. */
export function markdownTable(report: Report, scenarioNames?: readonly string[]): string {
  const lines = [
    '| scenario | figure | ours (median) | peer (median) | ratio | targets |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    if (scenarioNames && !scenarioNames.includes(name)) continue;
    for (const comparison of scenario.comparisons) {
      const peer = comparison.peer ? `${formatFigure(comparison.peer.median)} (${comparison.peer.name})` : '';
      const references = (comparison.references ?? [])
        .map((reference) => `${reference.name}: ${formatReference(reference)}`)
        .join('; ');
      const targets = comparison.targets.map(describeTarget).join('; ');
      lines.push(
        `| ${name} | ${comparison.metric} (${comparison.unit}) | ${formatFigure(comparison.subject.median)} (${comparison.subject.name}) | ${[peer, references].filter(Boolean).join('; ')} | ${comparison.ratio === null ? '' : comparison.ratio.toFixed(3)} | ${targets} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Checks that a comparison holds figures: at least one run per side, every one finite. */
export function figureProblems(comparison: Comparison): string[] {
  const problems: string[] = [];
  for (const side of [comparison.subject, comparison.peer]) {
    if (!side) continue;
    if (side.runs.length === 0) problems.push(`${comparison.metric}: "${side.name}" has no runs`);
    if (side.runs.some((value) => !Number.isFinite(value)))
      problems.push(`${comparison.metric}: "${side.name}" has a figure that is not a finite number`);
  }
  return problems;
}
