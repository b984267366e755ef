#!/usr/bin/env node
// Renders docs/reliability.md from every reliability/results/*.json. Each reliability suite
// (faults, fuzz, soak, sandbox) writes its own results file and then runs this script, so the page
// always shows the latest figures of every suite. The results format is in TEAM.md:
//
//   { "suite": "faults", "generatedAt": "ISO time", "machine": "uname -srm, cores, node version",
//     "about": "optional: replaces the built-in description of the suite",
//     "cases": [ { "name": "...", "area": "exporter", "sent": 1000, "received": 1000, "lost": 0,
//                  "duplicated": 0, "dropped": 0, "inputs": 0, "crashes": 0, "result": "pass" | "fail",
//                  "notes": "..." } ] }
//
// Fields that do not apply to a suite are omitted and shown as "—". `dropped` (optional) is what the
// pipeline gave up on purpose and counted; `lost` is what it neither delivered nor counted.
//
//   node scripts/reliability-report.mjs [--results DIR] [--out FILE] [--check]
//
// --check exits 1 (and writes nothing) when a results file is malformed or the page is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What each suite does, shown above its table unless its results file carries `about`. */
const ABOUT = {
  faults:
    'Fault injection (`npm run test:faults`, `faults/`). Each case starts the real `wasmpipe` binary ' +
    "(`packages/cli/dist/main.js run --config ...`) with real servers (nginx from the collectors' test " +
    'harness, OTLP/HTTP sinks decoding with the official protobuf schema, real sockets and files), sends ' +
    'numbered records, injects the fault, and compares the records sent with the records the sink ' +
    'received, one by one, and with the counters wasmpipe reports on its admin endpoint ' +
    '(`/components`). "received" counts distinct records; "dropped" is what wasmpipe gave up on purpose ' +
    'and counted (a permanent 500, a full queue set to drop, a plugin set to drop); "lost" is what was ' +
    'sent and neither received nor counted; "duplicated" is arrivals beyond the first.',
  fuzz:
    'Property-based fuzzing (`fast-check`, a fixed number of runs per target in CI). Each target feeds ' +
    'arbitrary and mutated inputs to a parser or decoder; a clear error or a valid result passes, a ' +
    'crash, hang or unbounded allocation fails. "inputs" is how many inputs were tried.',
  soak:
    'Soak (`npm run soak -- --minutes N`): the metric testbed load for N minutes with the export ' +
    'endpoint flapping every minute; records lost must be 0, duplicates are counted, RSS growth is noted.',
  sandbox:
    'Sandbox and secrets: a plugin cannot reach files, environment, network or the clock beyond what ' +
    'the host grants; memory ceilings and timeouts hold; forbidden imports and wrong sha256 pins never ' +
    'run; secrets never appear in logs, `validate` output or the admin endpoint.',
};
const ORDER = ['faults', 'fuzz', 'soak', 'sandbox'];
const NUMBER_FIELDS = ['sent', 'received', 'dropped', 'lost', 'duplicated', 'inputs', 'crashes'];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? resolve(args[index + 1]) : fallback;
};
const resultsDirectory = option('--results', join(root, 'reliability', 'results'));
const outFile = option('--out', join(root, 'docs', 'reliability.md'));
const check = args.includes('--check');

/** Reads and checks one results file; returns the suite or a list of problems. */
function readSuite(path) {
  const problems = [];
  let data;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problems: [`${path}: not JSON (${error.message})`] };
  }
  if (typeof data?.suite !== 'string' || data.suite === '') problems.push(`${path}: "suite" must be a string`);
  if (!Array.isArray(data?.cases)) problems.push(`${path}: "cases" must be an array`);
  for (const [index, item] of (Array.isArray(data?.cases) ? data.cases : []).entries()) {
    const where = `${path}: cases[${index}]`;
    if (typeof item?.name !== 'string') problems.push(`${where}.name must be a string`);
    if (item?.result !== 'pass' && item?.result !== 'fail' && item?.result !== 'skip')
      problems.push(`${where}.result must be "pass", "fail" or "skip"`);
    for (const field of NUMBER_FIELDS) {
      if (item?.[field] !== undefined && !Number.isFinite(item[field]))
        problems.push(`${where}.${field} must be a number when present`);
    }
  }
  return { suite: data, problems };
}

const cell = (value) =>
  value === undefined || value === null ? '—' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const sum = (cases, field) => cases.reduce((total, item) => total + (Number(item[field]) || 0), 0);
const has = (cases, field) => cases.some((item) => item[field] !== undefined);
const mark = (result) => (result === 'pass' ? 'pass' : result === 'fail' ? '**FAIL**' : result);

/** The markdown of one suite: intro, where and when, the table of cases, and totals. */
function renderSuite(suite, file) {
  const cases = suite.cases;
  const columns = ['case', 'area', ...NUMBER_FIELDS.filter((field) => has(cases, field)), 'result', 'notes'];
  const lines = [`## ${suite.suite}`, '', suite.about ?? ABOUT[suite.suite] ?? '', ''];
  lines.push(
    `Generated ${cell(suite.generatedAt)} on ${cell(suite.machine)}, from \`${file}\`.`,
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map((column) => (NUMBER_FIELDS.includes(column) ? '---:' : '---')).join(' | ')} |`,
  );
  for (const item of cases) {
    const row = columns.map((column) => {
      if (column === 'case') return cell(item.name);
      if (column === 'result') return mark(item.result);
      return cell(item[column]);
    });
    lines.push(`| ${row.join(' | ')} |`);
  }
  const passed = cases.filter((item) => item.result === 'pass').length;
  const totals = [`${passed} of ${cases.length} cases pass`];
  for (const field of NUMBER_FIELDS) {
    if (has(cases, field)) totals.push(`${field} ${sum(cases, field)}`);
  }
  lines.push('', `Totals: ${totals.join('; ')}.`, '');
  return lines.join('\n');
}

const files = existsSync(resultsDirectory)
  ? readdirSync(resultsDirectory)
      .filter((name) => name.endsWith('.json'))
      .sort()
  : [];
const suites = [];
const problems = [];
for (const name of files) {
  const read = readSuite(join(resultsDirectory, name));
  problems.push(...read.problems);
  if (read.problems.length === 0) suites.push({ data: read.suite, file: relative(root, join(resultsDirectory, name)) });
}
suites.sort((a, b) => {
  const rank = (suite) => (ORDER.includes(suite.data.suite) ? ORDER.indexOf(suite.data.suite) : ORDER.length);
  return rank(a) - rank(b) || a.data.suite.localeCompare(b.data.suite);
});

const all = suites.flatMap((suite) => suite.data.cases);
const summary = [
  `${all.length} cases in ${suites.length} suites`,
  `${all.filter((item) => item.result === 'pass').length} pass`,
  `${all.filter((item) => item.result === 'fail').length} fail`,
];
if (has(all, 'lost')) summary.push(`records lost ${sum(all, 'lost')}`);
if (has(all, 'duplicated')) summary.push(`duplicated ${sum(all, 'duplicated')}`);
if (has(all, 'crashes')) summary.push(`crashes ${sum(all, 'crashes')}`);

const page = [
  '# Reliability',
  '',
  '<!-- Generated by scripts/reliability-report.mjs from reliability/results/*.json; do not edit by hand. -->',
  '',
  'A pipeline that loses data under faults is worse than none. These figures come from suites that',
  'run real processes and count every record: the goal is **zero records lost and zero crashes**',
  'across all of them. Each suite writes `reliability/results/<suite>.json` and re-renders this page',
  '(`node scripts/reliability-report.mjs`).',
  '',
  `Overall: ${summary.join(', ')}.`,
  '',
  ...suites.map((suite) => renderSuite(suite.data, suite.file)),
]
  .join('\n')
  .replace(/\n{3,}/g, '\n\n');

if (problems.length > 0) {
  console.error(`reliability-report: bad results files:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
if (check) {
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (current !== page) {
    console.error(`reliability-report: ${relative(root, outFile)} is stale; run node scripts/reliability-report.mjs`);
    process.exit(1);
  }
  process.exit(0);
}
writeFileSync(outFile, page);
console.log(`reliability-report: wrote ${relative(root, outFile)} (${all.length} cases, ${suites.length} suites).`);
