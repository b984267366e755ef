// The nats exporter: encodes each batch (OTLP protobuf or the plugin contract's msgpack), publishes
// it to a JetStream subject with a content-hash message id, and returns only once JetStream has
// acknowledged it. It never retries by itself: it throws a retryable or permanent WasmpipeError and
// the runtime's sending queue (memory or file) retries, counts and logs, so a NATS outage queues.
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import {
  type Counter,
  type CreateContext,
  countDataPoints,
  countLogRecords,
  type Exporter,
  type ExportOptions,
  errorMessage,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  permanentError,
  retryableError,
  type Signal,
  WasmpipeError,
} from '@wasmpipe/core';
import { encodeLogsRequest, encodeMetricsRequest } from '@wasmpipe/exporters';
import { CONTRACT_VERSION, encodeLogsBatch, encodeMetricsBatch } from '@wasmpipe/host-wapc';
import { NatsConnector } from '../connection/connect.ts';
import { ensureStream } from '../stream/ensure-stream.ts';
import type { NatsExporterConfig } from './config.ts';
import { NATS_HEADERS } from './headers.ts';
import { parseSubjectTemplate, type SubjectTemplate } from './subject.ts';

/** One message to publish: a subject, its payload and its item count. */
export interface NatsMessage {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly items: number;
}

interface SignalCounters {
  messages: Counter;
  duplicates: Counter;
  bytes: Counter;
}

const textEncoder = new TextEncoder();

/** The message id of a payload on a subject: the first 128 bits of SHA-256, hex. Stable across retries and restarts. */
export async function messageId(subject: string, payload: Uint8Array): Promise<string> {
  const prefix = textEncoder.encode(`${subject}\n`);
  const input = new Uint8Array(prefix.length + payload.length);
  input.set(prefix);
  input.set(payload, prefix.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  let hex = '';
  for (let index = 0; index < 16; index++) hex += (digest[index] as number).toString(16).padStart(2, '0');
  return hex;
}

/** Publishes metrics and logs batches to NATS JetStream. */
export class NatsExporter implements Exporter {
  readonly #config: NatsExporterConfig;
  readonly #connector: NatsConnector;
  readonly #logger: Logger;
  readonly #template: SubjectTemplate;
  readonly #counters: Record<Signal, SignalCounters>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #client: { connection: unknown; js: JetStreamClient } | undefined;
  #streamReady: Promise<void> | undefined;
  #streamProblem = '';
  #closed = false;

  constructor(config: NatsExporterConfig, context: CreateContext) {
    this.#config = config;
    this.#logger = context.logger;
    this.#connector = new NatsConnector(config, context);
    const template = parseSubjectTemplate(config.subject);
    if ('problems' in template) throw permanentError(`subject ${config.subject}: ${template.problems.join('; ')}`);
    this.#template = template;
    const countersFor = (signal: Signal): SignalCounters => ({
      messages: context.telemetry.counter('wasmpipe.exporter.nats.messages', signal),
      duplicates: context.telemetry.counter('wasmpipe.exporter.nats.duplicates', signal),
      bytes: context.telemetry.counter('wasmpipe.exporter.nats.bytes', signal),
    });
    this.#counters = { metrics: countersFor('metrics'), logs: countersFor('logs') };
  }

  /**
   * Connects in the background. When NATS answers within `connect_timeout`, the stream is created
   * or verified now, so a wrong stream stops the start; when NATS is down, the pipeline starts
   * anyway and batches queue until it is back.
   */
  async start(): Promise<void> {
    this.#connector.start();
    try {
      await this.#connector.ready(this.#config.connect_timeout);
    } catch (error) {
      this.#logger.warn('NATS is not reachable yet; batches queue until it is.', {
        servers: this.#connector.servers,
        error: errorMessage(error),
      });
      return;
    }
    try {
      await this.#ensureStream();
    } catch (error) {
      if (WasmpipeError.isInstance(error) && !error.retryable) {
        await this.#connector.close();
        throw error;
      }
    }
  }

  /** Publishes a metrics batch; resolves once JetStream acknowledged every message of it. */
  async exportMetrics(batch: MetricsBatch, options?: ExportOptions): Promise<void> {
    if (countDataPoints(batch) === 0) return;
    await this.#publishAll('metrics', this.metricsMessages(batch), options?.signal);
  }

  /** Publishes a logs batch; resolves once JetStream acknowledged every message of it. */
  async exportLogs(batch: LogsBatch, options?: ExportOptions): Promise<void> {
    if (countLogRecords(batch) === 0) return;
    await this.#publishAll('logs', this.logsMessages(batch), options?.signal);
  }

  /** Waits for publishes under way, then drains and closes the connection. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#connector.close();
  }

  /** The messages a metrics batch becomes: one per subject (per attribute value when the subject names one). */
  metricsMessages(batch: MetricsBatch): NatsMessage[] {
    const attribute = this.#template.attribute;
    const groups = new Map<string, MetricsBatch>();
    if (attribute === undefined) groups.set(this.#template.render('metrics'), batch);
    else {
      for (const resource of batch.resourceMetrics) {
        const subject = this.#template.render('metrics', resource.resource.attributes);
        const group = groups.get(subject);
        if (group) group.resourceMetrics.push(resource);
        else groups.set(subject, { resourceMetrics: [resource] });
      }
    }
    return [...groups].map(([subject, group]) => ({
      subject,
      payload: this.#config.encoding === 'contract' ? encodeMetricsBatch(group) : encodeMetricsRequest(group),
      items: countDataPoints(group),
    }));
  }

  /** The messages a logs batch becomes. */
  logsMessages(batch: LogsBatch): NatsMessage[] {
    const attribute = this.#template.attribute;
    const groups = new Map<string, LogsBatch>();
    if (attribute === undefined) groups.set(this.#template.render('logs'), batch);
    else {
      for (const resource of batch.resourceLogs) {
        const subject = this.#template.render('logs', resource.resource.attributes);
        const group = groups.get(subject);
        if (group) group.resourceLogs.push(resource);
        else groups.set(subject, { resourceLogs: [resource] });
      }
    }
    return [...groups].map(([subject, group]) => ({
      subject,
      payload: this.#config.encoding === 'contract' ? encodeLogsBatch(group) : encodeLogsRequest(group),
      items: countLogRecords(group),
    }));
  }

  async #publishAll(signal: Signal, messages: NatsMessage[], abort?: AbortSignal): Promise<void> {
    if (this.#closed) throw permanentError('Batch not published to NATS: the exporter is shut down.');
    const js = this.#jetstream();
    // At export time a stream problem is retryable: an operator may fix the stream while batches queue.
    await this.#ensureStream().catch((error: unknown) => {
      throw retryableError(`JetStream stream ${this.#config.stream.name} is not usable: ${errorMessage(error)}`);
    });
    const maxPayload = this.#maxPayload();
    for (const message of messages) {
      if (message.payload.length > maxPayload)
        throw permanentError(
          `A ${signal} batch encodes to ${message.payload.length} bytes, over the NATS server's max_payload of ${maxPayload}: lower the batch processor's send_batch_max_size or raise max_payload.`,
        );
    }
    // Publish every message at once; a retry republishes all, and JetStream drops the ones it has.
    const work = Promise.all(messages.map((message) => this.#publish(js, signal, message)));
    this.#inFlight.add(work);
    try {
      await raceAbort(work, abort);
    } finally {
      this.#inFlight.delete(work);
    }
  }

  async #publish(js: JetStreamClient, signal: Signal, message: NatsMessage): Promise<void> {
    const id = await messageId(message.subject, message.payload);
    const headers = natsHeaders();
    headers.set(NATS_HEADERS.signal, signal);
    headers.set(NATS_HEADERS.encoding, this.#config.encoding);
    if (this.#config.encoding === 'contract') headers.set(NATS_HEADERS.contractVersion, CONTRACT_VERSION);
    headers.set(NATS_HEADERS.items, String(message.items));
    let ack: PubAck;
    try {
      ack = await js.publish(message.subject, message.payload, {
        msgID: id,
        headers,
        timeout: this.#config.timeout,
        expect: { streamName: this.#config.stream.name },
      });
    } catch (error) {
      throw retryableError(`Publishing to NATS subject ${message.subject} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    const counters = this.#counters[signal];
    counters.messages.add(1);
    counters.bytes.add(message.payload.length);
    if (ack.duplicate) counters.duplicates.add(1);
  }

  #jetstream(): JetStreamClient {
    const connection = this.#connector.connection();
    if (this.#client?.connection !== connection) {
      this.#client = { connection, js: jetstream(connection) };
      this.#streamReady = undefined;
    }
    return this.#client.js;
  }

  #maxPayload(): number {
    try {
      return this.#connector.connection().info?.max_payload ?? 1024 * 1024;
    } catch {
      return 1024 * 1024;
    }
  }

  /** Creates or verifies the stream once per connection; a failure is logged once and retried later. */
  #ensureStream(): Promise<void> {
    this.#streamReady ??= (async () => {
      const connection = this.#connector.connection();
      const manager: JetStreamManager = await jetstreamManager(connection);
      await ensureStream(manager, this.#config.stream, this.#logger);
      this.#streamProblem = '';
    })().catch((error: unknown) => {
      this.#streamReady = undefined;
      const message = errorMessage(error);
      if (message !== this.#streamProblem) {
        this.#streamProblem = message;
        this.#logger.error('The JetStream stream is not usable; batches queue until it is.', { error: message });
      }
      throw WasmpipeError.isInstance(error) ? error : retryableError(message, { cause: error });
    });
    return this.#streamReady;
  }
}

/** Resolves or rejects with `work`, or rejects when `signal` aborts first. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(retryableError('Publish aborted: shutdown could wait no longer.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(retryableError('Publish aborted: shutdown could wait no longer.'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
