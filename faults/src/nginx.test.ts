// A real nginx (the collectors' test harness) writes an access log that wasmpipe's
// `nginx_access_log` collector tails and exports as log records to the sink, while requests flow
// and nginx is reloaded, stopped and restarted, or its log rotated by rename + reopen or by
// copytruncate. Every access-log line nginx wrote (in the log and its rotated copy) must arrive as
// a record, once.
import assert from 'node:assert/strict';
import { copyFile, readFile, rename, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  type NginxInstance,
  nginxSkipReason,
  startNginx,
} from '../../packages/collectors/src/testing/nginx.test-support.ts';
import {
  caseDirectory,
  describeMissing,
  eventually,
  faultCase,
  killAll,
  runWasmpipe,
  sleep,
  tally,
} from './support/harness.ts';
import { startSink } from './support/sink.ts';

after(killAll);

const FORMAT = '$remote_addr [$time_local] "$request" $status $body_bytes_sent';

/** Sends `GET /?seq=N` requests, two at a time, until stopped; remembers which got an answer. */
class Traffic {
  readonly answered = new Set<string>();
  failures = 0;
  #next = 0;
  #running = true;
  readonly #workers: Promise<void>[];

  constructor(readonly baseUrl: () => string) {
    this.#workers = [this.#work(), this.#work()];
  }

  async #work(): Promise<void> {
    while (this.#running) {
      const seq = this.#next++;
      try {
        const response = await fetch(`${this.baseUrl()}/?seq=${seq}`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status === 200) this.answered.add(`log#${seq}`);
      } catch {
        this.failures++;
        await sleep(20);
      }
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }
}

/** The `seq` of every line in the given files (missing files count as empty). */
async function loggedLines(paths: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => '');
    for (const match of text.matchAll(/seq=(\d+)/g)) keys.push(`log#${match[1]}`);
  }
  return keys;
}

type NginxFault = (context: {
  nginx: () => NginxInstance;
  replace: (next: NginxInstance) => void;
  log: string;
}) => Promise<string>;

async function runNginxCase(
  figures: Parameters<Parameters<typeof faultCase>[2]>[0],
  fault: NginxFault,
  options: { inherentLoss?: boolean } = {},
): Promise<void> {
  const directory = await caseDirectory('nginx');
  const sink = await startSink();
  const log = join(directory.path, 'access.log');
  const snippet = `  access_log ${log} wasmpipe;\n`;
  let nginx = (await startNginx({ logFormat: FORMAT, httpSnippet: snippet })) as NginxInstance;
  try {
    const wasmpipe = await runWasmpipe(
      directory.path,
      `
collectors:
  nginx_access_log:
    include: [${log}]
    log_format: '${FORMAT}'
    start_at: beginning
    poll_interval: 100ms
    rotate_wait: 3s
    storage_directory: ${join(directory.path, 'offsets')}
    metrics: { enabled: false }
exporters:
  otlp_http:
    endpoint: ${sink.url}
    retry_on_failure: { initial_interval: 50ms, max_interval: 300ms, max_elapsed_time: 0 }
admin:
  endpoint: 127.0.0.1:0
pipelines:
  logs: { collectors: [nginx_access_log], exporters: [otlp_http] }
`,
    );
    const traffic = new Traffic(() => nginx.baseUrl);
    await eventually(() => sink.received.size >= 50, 'records to flow', 30_000);
    const rotated = await fault({ nginx: () => nginx, replace: (next) => (nginx = next), log });
    await eventually(() => traffic.answered.size >= 100 + sink.received.size / 2, 'requests after the fault', 30_000);
    await sleep(500);
    await traffic.stop();
    const logged = await loggedLines([log, rotated].filter(Boolean));
    await eventually(() => logged.every((key) => sink.received.has(key)), 'every logged line to arrive', 30_000).catch(
      () => {},
    );
    const counters = (await wasmpipe.components())['nginx_access_log'] ?? {};
    const result = tally(logged, sink.received);
    const notLogged = [...traffic.answered].filter((key) => !logged.includes(key));
    Object.assign(figures, {
      sent: traffic.answered.size,
      received: result.received,
      dropped: 0,
      lost: result.missing.length + notLogged.length,
      duplicated: result.duplicated,
      crashes: 0,
      notes: `${logged.length} access-log lines written; ${traffic.failures} requests refused while nginx was away; tail counters ${JSON.stringify(
        Object.fromEntries(Object.entries(counters).filter(([key]) => key.startsWith('wasmpipe.tail'))),
      )}${notLogged.length ? `; ${notLogged.length} answered requests are in neither file (written between copy and truncate)` : ''}`,
    });
    assert.deepEqual(result.missing, [], `lines that did not arrive: ${describeMissing(result.missing)}`);
    assert.equal(result.duplicated, 0, 'no line arrived twice');
    if (!options.inherentLoss) assert.deepEqual(notLogged, [], 'every answered request was logged');
    assert.equal(await wasmpipe.stop(), 0, wasmpipe.log());
  } finally {
    await nginx.stop();
    await sink.close();
    await directory.remove();
  }
}

const skip = nginxSkipReason();

faultCase(
  'nginx reloaded twice while requests flow',
  'nginx',
  (figures) =>
    runNginxCase(figures, async ({ nginx }) => {
      await nginx().reload();
      await sleep(300);
      await nginx().reload();
      return '';
    }),
  { skip },
);

faultCase(
  'nginx stopped and restarted while requests flow',
  'nginx',
  (figures) =>
    runNginxCase(figures, async ({ nginx, replace }) => {
      const { port, options } = nginx();
      await nginx().stop();
      await sleep(500);
      replace((await startNginx({ ...options, port })) as NginxInstance);
      return '';
    }),
  { skip },
);

faultCase(
  'access log rotated by rename + reopen while requests flow',
  'nginx',
  (figures) =>
    runNginxCase(figures, async ({ nginx, log }) => {
      await rename(log, `${log}.1`);
      await sleep(300); // nginx keeps writing to the renamed file until it reopens
      await nginx().reopen();
      return `${log}.1`;
    }),
  { skip },
);

faultCase(
  'access log rotated by copytruncate while requests flow',
  'nginx',
  (figures) =>
    runNginxCase(
      figures,
      async ({ log }) => {
        await copyFile(log, `${log}.1`);
        await truncate(log, 0);
        return `${log}.1`;
      },
      { inherentLoss: true },
    ),
  { skip },
);
