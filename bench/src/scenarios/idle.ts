// Scenario 6, idle: what `wasmpipe run` with the embedded default config (host metrics every
// 10 s to the debug exporter) costs while it has almost nothing to do, against an empty `node`
// process measured over the same window: CPU (utime + stime from /proc) as % of one core, and
// RSS sampled every second. The window starts after wasmpipe printed its first batch.
import { spawn } from 'node:child_process';
import { type Scenario, sized } from '../harness.ts';
import { type ProcessSamples, sampleProcess, sleep, stopChild } from '../testbed/proc.ts';
import { startWasmpipe } from '../testbed/wasmpipe-process.ts';

/** Samples wasmpipe (embedded default) and an empty node side by side for `seconds`. */
async function idleWindow(seconds: number): Promise<[ProcessSamples, ProcessSamples]> {
  const empty = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  try {
    const wasmpipe = await startWasmpipe(undefined);
    try {
      const subject = sampleProcess(wasmpipe.pid);
      const peer = sampleProcess(empty.pid as number);
      await sleep(seconds * 1000);
      return [subject.stop(), peer.stop()];
    } finally {
      await wasmpipe.stop();
    }
  } finally {
    await stopChild(empty);
  }
}

export const idle: Scenario = {
  name: 'idle',
  description:
    'wasmpipe run with the embedded default (host_metrics every 10 s -> debug), 60 s after its first batch, against an empty node process in the same window',
  async run({ runs }) {
    const subject: ProcessSamples[] = [];
    const peer: ProcessSamples[] = [];
    for (let index = 0; index < runs; index++) {
      const [wasmpipe, node] = await idleWindow(sized(60, 4));
      subject.push(wasmpipe);
      peer.push(node);
    }
    const names = { subject: 'wasmpipe run (embedded default)', peer: 'node (empty process)' };
    return [
      {
        metric: 'idle CPU average',
        unit: '% of one core',
        higherIsBetter: false,
        subject: { name: names.subject, runs: subject.map((samples) => samples.cpuAverage) },
        peer: { name: names.peer, runs: peer.map((samples) => samples.cpuAverage) },
        targets: [{ name: 'CPU < 0.5% of one core', atMost: 0.5 }],
        details: { secondsSampled: Number((subject.at(-1)?.seconds ?? 0).toFixed(1)) },
      },
      {
        metric: 'idle RSS average',
        unit: 'MiB',
        higherIsBetter: false,
        subject: { name: names.subject, runs: subject.map((samples) => samples.rssAverage) },
        peer: { name: names.peer, runs: peer.map((samples) => samples.rssAverage) },
        targets: [{ name: 'RSS ≤ 30 MiB above an empty node', of: 'difference', atMost: 30 }],
      },
      {
        metric: 'idle RSS max',
        unit: 'MiB',
        higherIsBetter: false,
        subject: { name: names.subject, runs: subject.map((samples) => samples.rssMax) },
        peer: { name: names.peer, runs: peer.map((samples) => samples.rssMax) },
        targets: [{ name: 'RSS ≤ 30 MiB above an empty node', of: 'difference', atMost: 30 }],
      },
    ];
  },
};
