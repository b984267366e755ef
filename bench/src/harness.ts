// The benchmark harness: every scenario measures a subject beside its peer in the same run,
// alternating them, and reports medians and their ratio. The machine is shared and noisy, so a
// single figure means little; a median of several runs beside its peer means more.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One measured figure: a subject beside its peer. */
export interface Comparison {
  /** What is measured, e.g. "points/s through the slice". */
  metric: string;
  unit: string;
  /** True when a bigger figure is better (throughput), false when smaller is (CPU, memory). */
  higherIsBetter: boolean;
  subject: { name: string; runs: number[] };
  peer: { name: string; runs: number[] };
}

/** A benchmark scenario. */
export interface Scenario {
  name: string;
  description: string;
  run(options: { runs: number }): Promise<Comparison[]>;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs subject and peer alternately `runs` times (after one warm-up each), collecting figures. */
export async function alternate(
  runs: number,
  subject: () => Promise<number>,
  peer: () => Promise<number>,
): Promise<[number[], number[]]> {
  await subject();
  await peer();
  const subjectRuns: number[] = [];
  const peerRuns: number[] = [];
  for (let index = 0; index < runs; index++) {
    subjectRuns.push(await subject());
    peerRuns.push(await peer());
  }
  return [subjectRuns, peerRuns];
}

const format = (value: number) =>
  value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} k` : value.toFixed(2);

/** Prints a comparison as a table row pair with the ratio of medians. */
export function printComparison(comparison: Comparison): void {
  const subject = median(comparison.subject.runs);
  const peer = median(comparison.peer.runs);
  const ratio = subject / peer;
  console.log(`  ${comparison.metric} (median of ${comparison.subject.runs.length}):`);
  console.log(`    ${comparison.subject.name.padEnd(44)} ${format(subject).padStart(10)} ${comparison.unit}`);
  console.log(`    ${comparison.peer.name.padEnd(44)} ${format(peer).padStart(10)} ${comparison.unit}`);
  console.log(`    ratio ${comparison.subject.name} / ${comparison.peer.name}: ${ratio.toFixed(3)}`);
}

/** Writes every scenario's figures, with medians and ratios, to bench/results/<time>.json and latest.json. */
export function writeResults(results: Record<string, Comparison[]>): string {
  const directory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const report = {
    time: new Date().toISOString(),
    node: process.version,
    scenarios: Object.fromEntries(
      Object.entries(results).map(([name, comparisons]) => [
        name,
        comparisons.map((comparison) => ({
          ...comparison,
          subject: { ...comparison.subject, median: median(comparison.subject.runs) },
          peer: { ...comparison.peer, median: median(comparison.peer.runs) },
          ratio: median(comparison.subject.runs) / median(comparison.peer.runs),
        })),
      ]),
    ),
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = `${directory}${report.time.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, text);
  writeFileSync(`${directory}latest.json`, text);
  return file;
}
