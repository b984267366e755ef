// Test-only: starts an `otlp` receiver on free loopback ports with a consumer the test controls.

import {
  type ComponentTelemetry,
  type Consumer,
  createLogger,
  getPlatform,
  type Input,
  type LogsBatch,
  type MetricsBatch,
  type Problem,
  type Signal,
  Telemetry,
} from '@wasmpipe/core';
import { otlpReceiverConfig } from './config.ts';
import { OtlpReceiver } from './receiver.ts';

/** A running receiver and what it handed on. */
export interface ReceiverHarness {
  receiver: OtlpReceiver;
  /** `http://127.0.0.1:<port>` */
  httpUrl: string;
  /** `127.0.0.1:<port>` */
  grpcAddress: string;
  metrics: MetricsBatch[];
  logs: LogsBatch[];
  lines: string[];
  telemetry: Telemetry;
  componentTelemetry: ComponentTelemetry;
  /** The value of one of the receiver's counters. */
  count(name: string, signal: Signal): number;
  close(): Promise<void>;
}

/** What the consumer does with a batch; the default keeps it. */
export type ConsumeHook = (signal: Signal, batch: MetricsBatch | LogsBatch) => Promise<void> | void;

/** Starts a receiver with both protocols on port 0 unless the config says otherwise. */
export async function startReceiver(
  input: Input<typeof otlpReceiverConfig> = {},
  consume?: ConsumeHook,
): Promise<ReceiverHarness> {
  const problems: Problem[] = [];
  const config = otlpReceiverConfig.parse(
    { protocols: { http: { endpoint: '127.0.0.1:0' }, grpc: { endpoint: '127.0.0.1:0' } }, ...input },
    'collectors.otlp',
    problems,
  );
  if (!config) throw new Error(problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
  const metrics: MetricsBatch[] = [];
  const logs: LogsBatch[] = [];
  const lines: string[] = [];
  const telemetry = new Telemetry();
  const componentTelemetry = telemetry.forComponent('otlp');
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const next: Consumer = {
    async consumeMetrics(batch) {
      await consume?.('metrics', batch);
      metrics.push(batch);
    },
    async consumeLogs(batch) {
      await consume?.('logs', batch);
      logs.push(batch);
    },
  };
  const platform = getPlatform();
  const receiver = new OtlpReceiver(
    config,
    { id: 'otlp', logger, telemetry: componentTelemetry, platform, configDirectory: '.' },
    next,
  );
  await receiver.start({ platform, logger });
  return {
    receiver,
    httpUrl: `http://${receiver.httpAddress}`,
    grpcAddress: receiver.grpcAddress ?? '',
    metrics,
    logs,
    lines,
    telemetry,
    componentTelemetry,
    count: (name, signal) => telemetry.value('otlp', name, signal),
    close: () => receiver.shutdown(),
  };
}

/** Resolves when `condition` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs}ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
