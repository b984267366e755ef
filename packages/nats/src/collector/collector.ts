// The nats collector: a gateway's end of the broker. It pulls from a durable consumer that every
// gateway of the same name shares (JetStream splits the messages between them), hands each batch
// to the pipeline with an acknowledgement, and acknowledges the message only once every exporter
// of the pipeline delivered it. A failure is negatively acknowledged with a growing delay; a
// message still being exported is reported in progress so it is not redelivered meanwhile. A
// gateway that dies leaves its unacknowledged messages to the others after ack_wait. A message that
// cannot be decoded or delivered by its max_deliver-th delivery goes to the dead-letter subject.
import {
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import {
  type Collector,
  type Consumer,
  type Counter,
  type CreateContext,
  consumeAcknowledged,
  errorMessage,
  type Logger,
  type Signal,
  StateChangeLog,
  sleep,
  WasmpipeError,
} from '@wasmpipe/core';
import { backoffDelay, NatsConnector } from '../connection/connect.ts';
import { ensureStream } from '../stream/ensure-stream.ts';
import { deadLetterSubject, type NatsCollectorConfig } from './config.ts';
import { decodeMessage } from './decode-message.ts';
import { ensureConsumer } from './ensure-consumer.ts';

/** Headers a dead letter carries besides the original message's. */
export const DEAD_LETTER_HEADERS = {
  reason: 'Wasmpipe-Dead-Letter-Reason',
  subject: 'Wasmpipe-Original-Subject',
  stream: 'Wasmpipe-Original-Stream',
  sequence: 'Wasmpipe-Original-Sequence',
  deliveries: 'Wasmpipe-Deliveries',
} as const;

/** A message handed to the pipeline and not yet acknowledged. */
interface InFlight {
  readonly message: JsMsg;
  touched: number;
}

interface Counters {
  received: Counter;
  acknowledged: Counter;
  nacked: Counter;
  poison: Counter;
  deadLettered: Counter;
  redelivered: Record<Signal, Counter>;
  refused: Record<Signal, Counter>;
}

/** How often a poison message is logged at most. */
const POISON_LOG_INTERVAL_MS = 60_000;

/** Pulls batches from a JetStream durable consumer and acknowledges each after end-to-end delivery. */
export class NatsCollector implements Collector {
  readonly #config: NatsCollectorConfig;
  readonly #next: Consumer;
  readonly #logger: Logger;
  readonly #connector: NatsConnector;
  readonly #counters: Counters;
  readonly #delivery: StateChangeLog;
  readonly #setup: StateChangeLog;
  readonly #inFlight = new Set<InFlight>();
  readonly #stopped = new AbortController();
  readonly #deadLetterSubject: string;
  #messages: ConsumerMessages | undefined;
  #running: Promise<void> | undefined;
  #touchTimer: ReturnType<typeof setInterval> | undefined;
  #lastPoisonLog = 0;
  #js: JetStreamClient | undefined;

  constructor(config: NatsCollectorConfig, context: CreateContext, next: Consumer) {
    this.#config = config;
    this.#next = next;
    this.#logger = context.logger;
    this.#connector = new NatsConnector(config, context);
    this.#deadLetterSubject = deadLetterSubject(config);
    const { telemetry } = context;
    const bySignal = (name: string) => ({
      metrics: telemetry.counter(name, 'metrics'),
      logs: telemetry.counter(name, 'logs'),
    });
    this.#counters = {
      received: telemetry.counter('wasmpipe.collector.nats.received'),
      acknowledged: telemetry.counter('wasmpipe.collector.nats.acknowledged'),
      nacked: telemetry.counter('wasmpipe.collector.nats.nacked'),
      poison: telemetry.counter('wasmpipe.collector.nats.poison'),
      deadLettered: telemetry.counter('wasmpipe.collector.nats.dead_lettered'),
      redelivered: bySignal('wasmpipe.collector.nats.redelivered'),
      refused: bySignal('wasmpipe.collector.refused'),
    };
    telemetry.gauge('wasmpipe.collector.nats.in_flight', () => this.#inFlight.size);
    this.#delivery = new StateChangeLog(context.logger, 'warn');
    this.#setup = new StateChangeLog(context.logger, 'warn');
  }

  /**
   * Connects in the background and starts pulling. When NATS answers within `connect_timeout`, the
   * streams and the consumer are set up now, so a wrong stream stops the start; when NATS is down,
   * the gateway starts anyway and pulls once it is back.
   */
  async start(): Promise<void> {
    this.#connector.start();
    const interval = this.#config.in_progress_interval ?? Math.floor(this.#config.ack_wait / 3);
    this.#touchTimer = setInterval(() => this.#touch(interval), Math.max(50, Math.floor(interval / 2)));
    try {
      const connection = await this.#connector.ready(this.#config.connect_timeout);
      await this.#prepare(connection);
    } catch (error) {
      if (WasmpipeError.isInstance(error) && !error.retryable) {
        await this.shutdown();
        throw error;
      }
      this.#logger.warn('NATS is not reachable yet; pulling starts when it is.', {
        servers: this.#connector.servers,
        error: errorMessage(error),
      });
    }
    this.#running = this.#run();
  }

  /**
   * Stops pulling, waits up to `shutdown_timeout` for messages in flight to be delivered and
   * acknowledged, asks for the rest to be redelivered at once (to the other gateways), and closes.
   */
  async shutdown(): Promise<void> {
    if (this.#stopped.signal.aborted) return;
    this.#stopped.abort();
    await this.#messages?.close().catch(() => undefined);
    const deadline = Date.now() + this.#config.shutdown_timeout;
    while (this.#inFlight.size > 0 && Date.now() < deadline) await sleep(20);
    for (const entry of this.#inFlight) {
      entry.message.nak();
      this.#counters.nacked.add(1);
    }
    if (this.#inFlight.size > 0)
      this.#logger.warn('Shut down with messages still being delivered; they are redelivered to other gateways.', {
        messages: this.#inFlight.size,
      });
    this.#inFlight.clear();
    clearInterval(this.#touchTimer);
    await this.#connector.close();
    await this.#running;
  }

  /** Sets up the streams and the consumer on a live connection. */
  async #prepare(connection: Parameters<typeof jetstreamManager>[0]): Promise<void> {
    const manager = await jetstreamManager(connection);
    await ensureStream(manager, this.#config.stream, this.#logger);
    await ensureStream(manager, this.#config.dead_letter.stream, this.#logger);
    await ensureConsumer(manager, this.#config, this.#logger);
    this.#js = jetstream(connection);
  }

  /** Pulls until shutdown; on any failure waits with backoff and sets up again. */
  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped.signal.aborted) {
      try {
        const connection = await this.#connector.ready(60_000);
        if (!this.#js) await this.#prepare(connection);
        const js = this.#js as JetStreamClient;
        const consumer = await js.consumers.get(this.#config.stream.name, this.#config.durable);
        const messages = await consumer.consume({ max_messages: this.#config.fetch_size });
        this.#messages = messages;
        if (this.#stopped.signal.aborted) await messages.close();
        this.#setup.succeeded('Pulling from JetStream again.');
        attempt = 0;
        for await (const message of messages) {
          if (this.#stopped.signal.aborted) {
            message.nak();
            continue;
          }
          await this.#handle(message);
        }
      } catch (error) {
        if (this.#stopped.signal.aborted) return;
        this.#js = undefined;
        this.#setup.failed('Cannot pull from JetStream; retrying with backoff.', {
          stream: this.#config.stream.name,
          durable: this.#config.durable,
          error: errorMessage(error),
        });
      }
      if (this.#stopped.signal.aborted) return;
      const wait = backoffDelay(attempt++, this.#config.reconnect_wait, this.#config.max_reconnect_wait, 100);
      await sleep(wait, this.#stopped.signal).catch(() => undefined);
    }
  }

  /** Decodes one message and hands it on; resolves when the pipeline took it (backpressure). */
  async #handle(message: JsMsg): Promise<void> {
    this.#counters.received.add(1);
    const deliveries = message.info.deliveryCount;
    if (deliveries > this.#config.max_deliver) {
      // Every earlier delivery ended without an answer: gateways died or stalled on it.
      await this.#deadLetter(message, `delivered ${deliveries} times without an acknowledgement`);
      return;
    }
    const decoded = decodeMessage((name) => message.headers?.get(name) || undefined, message.data);
    if (decoded.kind === 'poison') {
      this.#counters.poison.add(1);
      this.#logPoison(message, decoded.reason);
      await this.#failed(message, new WasmpipeError(`Undecodable message: ${decoded.reason}`));
      return;
    }
    if (decoded.rejected > 0) this.#counters.refused[decoded.signal].add(decoded.rejected);
    if (deliveries > 1) this.#counters.redelivered[decoded.signal].add(decoded.items);
    if (decoded.items === 0) {
      this.#acknowledge(message);
      return;
    }
    const entry: InFlight = { message, touched: Date.now() };
    this.#inFlight.add(entry);
    const { accepted, delivered } = consumeAcknowledged(this.#next, decoded.signal, decoded.batch as never);
    delivered.then(
      () => {
        if (!this.#inFlight.delete(entry)) return;
        this.#delivery.succeeded('Batches are delivered again.');
        this.#acknowledge(message);
      },
      (error: unknown) => {
        if (!this.#inFlight.delete(entry)) return;
        this.#delivery.failed('A batch was not delivered; its message is redelivered with backoff.', {
          error: errorMessage(error),
        });
        void this.#failed(message, error);
      },
    );
    await accepted.catch(() => undefined);
  }

  #acknowledge(message: JsMsg): void {
    message.ack();
    this.#counters.acknowledged.add(1);
  }

  /** A delivery failed: redeliver later, or send it to the dead-letter subject on its last delivery. */
  async #failed(message: JsMsg, error: unknown): Promise<void> {
    const deliveries = message.info.deliveryCount;
    if (deliveries >= this.#config.max_deliver) {
      await this.#deadLetter(message, errorMessage(error));
      return;
    }
    const delay = Math.min(this.#config.nak_max_delay, this.#config.nak_delay * 2 ** (deliveries - 1));
    message.nak(delay);
    this.#counters.nacked.add(1);
  }

  /** Publishes the message as it came, with why, to the dead-letter subject, then terminates it. */
  async #deadLetter(message: JsMsg, reason: string): Promise<void> {
    const js = this.#js;
    const headers = natsHeaders();
    for (const [name, values] of message.headers ?? []) {
      if (name === 'Nats-Msg-Id') continue;
      for (const value of values) headers.append(name, value);
    }
    headers.set(DEAD_LETTER_HEADERS.reason, reason.slice(0, 1024).replace(/[\r\n]+/g, ' '));
    headers.set(DEAD_LETTER_HEADERS.subject, message.subject);
    headers.set(DEAD_LETTER_HEADERS.stream, message.info.stream);
    headers.set(DEAD_LETTER_HEADERS.sequence, String(message.info.streamSequence));
    headers.set(DEAD_LETTER_HEADERS.deliveries, String(message.info.deliveryCount));
    try {
      if (!js) throw new WasmpipeError('not connected to JetStream');
      await js.publish(this.#deadLetterSubject, message.data, {
        headers,
        msgID: `${message.info.stream}-${message.info.streamSequence}`,
        timeout: 10_000,
      });
    } catch (error) {
      this.#logger.error('Cannot publish a dead letter; the message is redelivered instead.', {
        subject: this.#deadLetterSubject,
        error: errorMessage(error),
      });
      message.nak(this.#config.nak_max_delay);
      this.#counters.nacked.add(1);
      return;
    }
    message.term();
    this.#counters.deadLettered.add(1);
    this.#logger.warn('Sent a message to the dead-letter subject.', {
      subject: this.#deadLetterSubject,
      'original.subject': message.subject,
      'original.sequence': message.info.streamSequence,
      deliveries: message.info.deliveryCount,
      reason,
    });
  }

  /** Reports messages still being exported as in progress, so the server does not redeliver them. */
  #touch(interval: number): void {
    const now = Date.now();
    for (const entry of this.#inFlight) {
      if (now - entry.touched < interval) continue;
      entry.touched = now;
      entry.message.working();
    }
  }

  #logPoison(message: JsMsg, reason: string): void {
    const now = Date.now();
    if (now - this.#lastPoisonLog < POISON_LOG_INTERVAL_MS) return;
    this.#lastPoisonLog = now;
    this.#logger.warn(
      'A message cannot be decoded; it is redelivered, then dead-lettered after max_deliver. Further ones are counted, logged at most once a minute.',
      {
        subject: message.subject,
        sequence: message.info.streamSequence,
        deliveries: message.info.deliveryCount,
        reason,
      },
    );
  }
}
