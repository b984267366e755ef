import {
  createLogger,
  errorMessage,
  formatProblems,
  type HttpServer,
  type LogLevel,
  type LogsBatch,
  type MetricsBatch,
  type Platform,
  type Signal,
  startAdminServer,
} from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson } from '@wasmpipe/exporters';
import { loadConfig } from '../load-config.ts';
import { version } from '../version.ts';
import { RunningService } from './config-reload.ts';

/** Options of `wasmpipe run`. */
export interface RunOptions {
  config: string | undefined;
  logLevel: LogLevel | undefined;
  logFormat: 'text' | 'json' | undefined;
}

/**
 * `wasmpipe run`: starts the pipelines and runs until SIGINT or SIGTERM, then drains every queue
 * and resolves with the exit code (0 after a clean drain). SIGHUP reads the config again and, when
 * it is valid and changed, replaces the pipelines (see `config-reload.ts`).
 */
export async function runCommand(options: RunOptions, platform: Platform): Promise<number> {
  const result = await loadConfig(options.config, platform);
  if (!result.ok) {
    const logger = createLogger({ level: 'error', format: options.logFormat ?? 'text' });
    logger.error(`The config is not valid; nothing was started.\n${formatProblems(result.problems)}`, {
      config: result.source,
    });
    return 1;
  }
  const { config } = result;
  const logger = createLogger({
    level: options.logLevel ?? config.log.level,
    format: options.logFormat ?? config.log.format,
  });
  logger.info('Starting wasmpipe.', { version, config: result.source, runtime: platform.runtime });
  const running = new RunningService(options.config, config, result.text, platform, logger);

  let admin: HttpServer | undefined;
  let stopRequested: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const removers = (['SIGINT', 'SIGTERM'] as const).map((signal) =>
    platform.onSignal(signal, () => stopRequested(signal)),
  );
  let failed = false;
  removers.push(
    platform.onSignal('SIGHUP', () => {
      void running.reload().then((outcome) => {
        if (outcome !== 'failed') return;
        failed = true;
        stopRequested('reload failed');
      });
    }),
  );

  try {
    if (config.admin) {
      admin = await startAdminServer(() => running.current, { ...config.admin, platform, encodeTap });
      logger.info('The admin endpoint is listening.', { endpoint: `http://${admin.hostname}:${admin.port}` });
    }
    await running.start();
  } catch (error) {
    logger.error('wasmpipe could not start.', { error: errorMessage(error) });
    await admin?.close();
    for (const remove of removers) remove();
    return 1;
  }

  const signal = await stopped;
  logger.info('Shutting down; draining every queue.', { signal });
  // A second signal while draining means "stop now".
  const force = (['SIGINT', 'SIGTERM'] as const).map((name) =>
    platform.onSignal(name, () => {
      logger.warn('Second signal: exiting without draining.');
      platform.exit(1);
    }),
  );
  await running.shutdown();
  await admin?.close();
  for (const remove of [...removers, ...force]) remove();
  logger.info('wasmpipe stopped.');
  return failed ? 1 : 0;
}

/** `wasmpipe tap` receives each tapped batch as one line of OTLP/JSON. */
function encodeTap(signal: Signal, batch: MetricsBatch | LogsBatch): string {
  return JSON.stringify(
    signal === 'metrics' ? metricsToOtlpJson(batch as MetricsBatch) : logsToOtlpJson(batch as LogsBatch),
  );
}
