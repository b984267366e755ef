// Scenario 4, runtimes: scenario 3 (max-throughput's paths) and the plugin call cost on Node, Deno
// and Bun, each as a ratio to Node. The measured code (runtimes-child.ts) runs in a child process
// per runtime, unchanged, and reports its figures as JSON; the runtimes take turns, round after
// round, so load on the shared machine falls on all three alike. Deno and Bun come from
// node_modules/.bin (the root devDependencies). A missing runtime is skipped with a message, and is
// a failure under CI=true.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Comparison, type Scenario, settings } from '../harness.ts';

const CHILD = fileURLToPath(new URL('./runtimes-child.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../../node_modules/.bin/', import.meta.url));
const BENCH = fileURLToPath(new URL('../../', import.meta.url));

type Runtime = 'node' | 'deno' | 'bun';
const COMMANDS: Record<Runtime, () => [string, string[]]> = {
  node: () => [process.execPath, ['--import', 'tsx', CHILD]],
  deno: () => [`${BIN}deno`, ['run', '--allow-all', '--no-check', CHILD]],
  bun: () => [`${BIN}bun`, [CHILD]],
};

/** What a child reports. */
interface ChildReport {
  runtime: Runtime;
  version: string;
  figures: Record<string, number>;
}

/** Runs the child under one runtime and returns its report; throws with its output when it fails. */
function runChild(runtime: Runtime): Promise<ChildReport> {
  const [program, args] = COMMANDS[runtime]();
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args, JSON.stringify({ smoke: settings.smoke })], {
      cwd: BENCH,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ChildReport);
      else
        reject(
          new Error(
            `runtimes: the ${runtime} child failed (exit ${code}, signal ${signal}):\n${stderr.slice(-2000)}${stdout.slice(-1000)}`,
          ),
        );
    });
  });
}

/** How each figure reads: unit, direction, and a label. */
function describe(name: string): { metric: string; unit: string; higherIsBetter: boolean } {
  if (name.startsWith('max-throughput ')) {
    const [, shape, path] = name.split(' ');
    const what = path === 'plugins' ? 'three Wasm plugins' : path === 'js' ? 'three JS processors' : 'no processors';
    return {
      metric: `scenario 3, ${shape} batches, ${what} to OTLP: points per CPU-second`,
      unit: 'points/CPU-s',
      higherIsBetter: true,
    };
  }
  const size = name.split(' ').at(-1);
  const what = name.includes('bare') ? 'bare @wapc/host call' : 'wasm filter processor (workers: 0)';
  return {
    metric: `plugin call cost, ${what}, ${size} point(s)/batch: CPU time per call`,
    unit: 'µs',
    higherIsBetter: false,
  };
}

export const runtimes: Scenario = {
  name: 'runtimes',
  description:
    'scenario 3 (max-throughput paths) and the plugin call cost on Node, Deno and Bun, each in its own child process, as ratios to Node',
  async run({ runs }) {
    const available: Runtime[] = ['node'];
    for (const runtime of ['deno', 'bun'] as const) {
      const [program] = COMMANDS[runtime]();
      if (existsSync(program)) available.push(runtime);
      else if (process.env['CI'] === 'true') throw new Error(`runtimes: ${runtime} is missing (${program}).`);
      else console.log(`  ${runtime} is missing (${program}); skipped (under CI=true this fails).`);
    }
    const reports: Record<string, ChildReport[]> = Object.fromEntries(available.map((runtime) => [runtime, []]));
    for (let round = 0; round < runs; round++)
      for (const runtime of available) reports[runtime]?.push(await runChild(runtime));
    const node = reports['node'] ?? [];
    const names = Object.keys(node[0]?.figures ?? {});
    const comparisons: Comparison[] = [];
    for (const runtime of available.filter((name) => name !== 'node')) {
      const theirs = reports[runtime] ?? [];
      for (const name of names) {
        const { metric, unit, higherIsBetter } = describe(name);
        comparisons.push({
          metric: `${runtime} vs node: ${metric}`,
          unit,
          higherIsBetter,
          subject: {
            name: `${runtime} ${theirs[0]?.version}`,
            runs: theirs.map((report) => report.figures[name] as number),
          },
          peer: { name: `node ${node[0]?.version}`, runs: node.map((report) => report.figures[name] as number) },
        });
      }
    }
    return comparisons;
  },
};
