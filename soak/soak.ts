// `npm run soak -- --minutes N`: the metric testbed load (bench/src/testbed: an OTLP/HTTP load
// generator process, the real `wasmpipe run`, a counting sink process) for N minutes, with the
// export endpoint flapping: every minute it goes down for 15 s (connections refused, open ones
// cut), then comes back. Reports RSS growth per minute (a linear fit over per-second samples after
// the warm-up), records lost (must be 0: the run fails otherwise) and duplicates, and writes
// reliability/results/soak.json.
//
//   npm run soak -- --minutes 60 [--rate 15] [--warmup 20] [--down 15] [--period 60]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCountingSink } from '../bench/src/testbed/counting-sink.ts';
import { startLoadGenerator } from '../bench/src/testbed/load-generator.ts';
import { freePort, rssMebibytes, sleep } from '../bench/src/testbed/proc.ts';
import { startWasmpipe } from '../bench/src/testbed/wasmpipe-process.ts';
import { startFlappingProxy } from './flapping-proxy.ts';
import { linearFit } from './linear-fit.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POINTS_PER_BATCH = 700; // the Collector's Metric10kDPS batch: 100 gauges x 7 points

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    rate: { type: 'string', default: '15' },
    warmup: { type: 'string' },
    down: { type: 'string', default: '15' },
    period: { type: 'string', default: '60' },
    'no-results': { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const batchesPerSecond = Number(values.rate);
const downSeconds = Number(values.down);
const periodSeconds = Number(values.period);
// RSS settles over the first seconds (JIT, buffers); a short run keeps a shorter warm-up.
const warmupSeconds = Number(values.warmup ?? (minutes <= 1 ? 10 : 30));
if (!(minutes > 0) || !(batchesPerSecond > 0) || !(downSeconds < periodSeconds)) {
  console.error('Usage: npm run soak -- --minutes N [--rate batches/s] [--warmup s] [--down s] [--period s]');
  process.exit(2);
}

const log = (message: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);

const sink = await startCountingSink();
const proxy = await startFlappingProxy(Number(new URL(sink.url).port));
let wasmpipe: Awaited<ReturnType<typeof startWasmpipe>> | undefined;
let exitCode = 1;
try {
  const receiverPort = await freePort();
  wasmpipe = await startWasmpipe(`
collectors:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${receiverPort}" }
exporters:
  otlp_http:
    endpoint: "http://127.0.0.1:${proxy.port}"
    timeout: 5s
    sending_queue: { queue_size: 2000000, num_consumers: 4 }
    retry_on_failure: { initial_interval: 500ms, max_interval: 3s, max_elapsed_time: 10m }
pipelines:
  metrics: { collectors: [otlp], exporters: [otlp_http] }
`);
  log(
    `wasmpipe run (pid ${wasmpipe.pid}) receives ${batchesPerSecond * POINTS_PER_BATCH} points/s for ${minutes} min; ` +
      `the endpoint goes down for ${downSeconds} s every ${periodSeconds} s.`,
  );
  const load = await startLoadGenerator({
    endpoint: `http://127.0.0.1:${receiverPort}`,
    signal: 'metrics',
    batchesPerSecond,
  });
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const samples: { second: number; rss: number }[] = [];
  const outages: { from: number; to: number }[] = [];
  const sampler = setInterval(() => samples.push({ second: elapsed(), rss: rssMebibytes(wasmpipe!.pid) }), 1000);
  try {
    // Each period: up for (period - down) s, then down for `down` s, so a 1-minute run has one outage.
    const end = minutes * 60;
    for (let period = 0; (period + 1) * periodSeconds <= end + 0.001; period++) {
      // Down for the last `down` seconds of the period but a little margin, then up again.
      const downAt = (period + 1) * periodSeconds - downSeconds - Math.min(5, periodSeconds / 10);
      await sleep(Math.max(0, downAt - elapsed()) * 1000);
      log('The export endpoint goes down.');
      await proxy.down();
      const from = elapsed();
      await sleep(downSeconds * 1000);
      await proxy.up();
      outages.push({ from, to: elapsed() });
      log('The export endpoint is back.');
    }
    await sleep(Math.max(0, end - elapsed()) * 1000);
  } finally {
    clearInterval(sampler);
  }
  const summary = await load.stop();
  log(`The load stopped: ${summary.itemsSent} points accepted, ${summary.itemsFailed} refused. Waiting for the sink.`);
  const stats = await sink.waitFor({ points: summary.itemsSent }, 180_000);
  // A little longer, so late duplicates are seen too.
  await sleep(2000);
  const final = await sink.stats();
  // A batch whose answer never reached the generator (a connection reset, not an HTTP status) may
  // have been accepted: if it arrives at the sink it is not a duplicate.
  const unanswered = Object.entries(summary.statusCounts)
    .filter(([status]) => !/^\d{3}$/.test(status))
    .reduce((sum, [, count]) => sum + count * POINTS_PER_BATCH, 0);
  const lost = Math.max(0, summary.itemsSent - final.points);
  const duplicated = Math.max(0, final.points - summary.itemsSent - unanswered);
  const unansweredDelivered = Math.min(unanswered, Math.max(0, final.points - summary.itemsSent));
  const steady = samples.filter((sample) => sample.second >= warmupSeconds);
  const fit = linearFit(
    steady.map((sample) => sample.second),
    steady.map((sample) => sample.rss),
  );
  const growthPerMinute = fit.slope * 60;
  const rssStart = steady[0]?.rss ?? Number.NaN;
  const rssEnd = steady.at(-1)?.rss ?? Number.NaN;
  const rssMax = Math.max(...samples.map((sample) => sample.rss));
  log(
    `sent ${summary.itemsSent}, received ${final.points} (${stats.requests} requests), lost ${lost}, duplicated ${duplicated}; ` +
      `answers ${JSON.stringify(summary.statusCounts)}; RSS ${rssStart.toFixed(1)} -> ${rssEnd.toFixed(1)} MiB (max ${rssMax.toFixed(1)}), growth ${growthPerMinute.toFixed(2)} MiB/min ` +
      `over ${steady.length} samples after ${warmupSeconds} s; ${outages.length} outage(s); ${proxy.cutConnections} connection(s) cut.`,
  );
  const result = lost === 0 && summary.itemsSent > 0 ? 'pass' : 'fail';
  if (!values['no-results']) {
    writeResults({
      name: `metric testbed load ${minutes} min, ${batchesPerSecond * POINTS_PER_BATCH} points/s, endpoint down ${downSeconds} s every ${periodSeconds} s`,
      area: 'soak',
      sent: summary.itemsSent,
      received: final.points,
      lost,
      duplicated,
      result,
      notes:
        `RSS growth ${growthPerMinute.toFixed(2)} MiB/min (least-squares fit over ${steady.length} per-second samples after ${warmupSeconds} s warm-up; ` +
        `${rssStart.toFixed(1)} -> ${rssEnd.toFixed(1)} MiB, max ${rssMax.toFixed(1)}); ${outages.length} outage(s), ` +
        `${proxy.cutConnections} connection(s) cut; answers to the load generator ${JSON.stringify(summary.statusCounts)}; ` +
        `${summary.itemsFailed} points not answered 2xx (not counted as sent), of which ${unansweredDelivered} never got an answer yet arrived (accepted, not duplicates); ` +
        `duplicates are received minus sent (the load repeats a ring of 200 distinct batches, so a lost and a duplicated batch would cancel out)`,
      minutes,
      rssGrowthMiBPerMinute: Number(growthPerMinute.toFixed(3)),
      rssStartMiB: Number(rssStart.toFixed(1)),
      rssEndMiB: Number(rssEnd.toFixed(1)),
      rssMaxMiB: Number(rssMax.toFixed(1)),
    });
  }
  exitCode = result === 'pass' ? 0 : 1;
  if (exitCode !== 0) console.error(`The soak failed: ${lost} points lost.\n${wasmpipe.output().slice(-3000)}`);
} catch (error) {
  console.error(`The soak could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (wasmpipe) console.error(wasmpipe.output().slice(-3000));
} finally {
  await wasmpipe?.stop();
  await proxy.close();
  await sink.stop();
}
process.exit(exitCode);

/** Writes reliability/results/soak.json, then re-renders docs/reliability.md when the script is there. */
function writeResults(testCase: Record<string, unknown>): void {
  const directory = `${ROOT}reliability/results`;
  mkdirSync(directory, { recursive: true });
  const uname = spawnSync('uname', ['-srm'], { encoding: 'utf8' }).stdout.trim();
  const report = {
    suite: 'soak',
    generatedAt: new Date().toISOString(),
    machine: `${uname}, ${os.cpus().length} cores, node ${process.version}`,
    cases: [testCase],
  };
  writeFileSync(`${directory}/soak.json`, `${JSON.stringify(report, null, 2)}\n`);
  const renderer = `${ROOT}scripts/reliability-report.mjs`;
  if (existsSync(renderer)) spawnSync(process.execPath, [renderer], { stdio: 'inherit', cwd: ROOT });
}
