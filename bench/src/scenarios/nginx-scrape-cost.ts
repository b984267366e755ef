// What one stub_status scrape costs: our `nginx` collector (scrape, parse, build the batch, encode
// it as OTLP protobuf) against prometheus-nginx-exporter (scrape, parse, render the Prometheus
// text for the /metrics request that asked), both against the same real nginx, each in its own
// process. CPU is read from each process's own /proc/<pid>/stat (utime + stime) around a run of
// scrapes; RSS from /proc/<pid>/status after it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findNginxBinary, startNginx } from '../../../packages/collectors/src/testing/nginx.test-support.ts';
import { startNginxExporter } from '../../../packages/collectors/src/testing/nginx-exporter.test-support.ts';
import { alternate, type Scenario } from '../harness.ts';

const CHILD = fileURLToPath(new URL('../nginx-scrape-child.mjs', import.meta.url));
const SCRAPES_PER_RUN = 500;
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

/** Our collector in a child process, driven over stdin. */
async function startChild(endpoint: string): Promise<{ process: ChildProcess; run: (n: number) => Promise<void> }> {
  const child = spawn(process.execPath, [CHILD, endpoint], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Interface = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => String((await iterator.next()).value ?? '');
  if ((await next()) !== 'ready') throw new Error('The nginx collector child did not start.');
  return {
    process: child,
    async run(scrapes) {
      child.stdin?.write(`scrape ${scrapes}\n`);
      const answer = await next();
      if (!answer.startsWith('done ')) throw new Error(`The nginx collector child answered ${JSON.stringify(answer)}.`);
    },
  };
}

/** GETs the exporter's /metrics `scrapes` times in a row over one kept-alive connection, as Prometheus does. */
async function scrapeExporter(url: string, scrapes: number, agent: http.Agent): Promise<void> {
  for (let index = 0; index < scrapes; index++) {
    await new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () =>
            body.includes('nginx_up 1') ? resolve() : reject(new Error('The exporter could not scrape nginx.')),
          );
        })
        .on('error', reject);
    });
  }
}

/** The scrape-cost scenario. */
export const nginxScrapeCost: Scenario = {
  name: 'nginx-scrape-cost',
  description: `CPU per stub_status scrape (${SCRAPES_PER_RUN} scrapes per run) and RSS: our nginx collector vs prometheus-nginx-exporter, same nginx`,
  async run({ runs }) {
    if (!findNginxBinary()) {
      if (process.env['CI'] === 'true') throw new Error('nginx is required for nginx-scrape-cost under CI=true.');
      console.log('  Skipped: nginx is not installed.');
      return [];
    }
    const nginx = await startNginx();
    if (!nginx) return [];
    const exporter = await startNginxExporter(nginx.statusUrl);
    const child = await startChild(nginx.statusUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const childPid = child.process.pid as number;
    try {
      const perScrape = async (pid: number, work: () => Promise<void>) => {
        const before = cpuSeconds(pid);
        await work();
        return ((cpuSeconds(pid) - before) / SCRAPES_PER_RUN) * 1000;
      };
      const [subject, peer] = await alternate(
        runs,
        () => perScrape(childPid, () => child.run(SCRAPES_PER_RUN)),
        () => perScrape(exporter.pid, () => scrapeExporter(exporter.metricsUrl, SCRAPES_PER_RUN, agent)),
      );
      return [
        {
          metric: 'CPU per scrape',
          unit: 'ms',
          higherIsBetter: false,
          subject: { name: 'wasmpipe nginx collector (+ OTLP encode)', runs: subject },
          peer: { name: 'prometheus-nginx-exporter (+ /metrics)', runs: peer },
        },
        {
          metric: 'RSS after the runs',
          unit: 'MiB',
          higherIsBetter: false,
          subject: { name: 'wasmpipe nginx collector (+ OTLP encode)', runs: [rssMiB(childPid)] },
          peer: { name: 'prometheus-nginx-exporter (+ /metrics)', runs: [rssMiB(exporter.pid)] },
        },
      ];
    } finally {
      agent.destroy();
      child.process.stdin?.write('exit\n');
      await new Promise((resolve) => child.process.once('exit', resolve));
      await exporter.stop();
      await nginx.stop();
    }
  },
};
