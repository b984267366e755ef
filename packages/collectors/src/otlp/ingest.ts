// What both protocols of the receiver share: take a slot, read and decode the request, hand the
// batch to the pipeline, and turn what happened into an outcome the protocol layer answers with.
// Every refused request is counted and logged at most once a minute per reason.

import {
  type ComponentTelemetry,
  type Consumer,
  type Counter,
  countItems,
  errorMessage,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  type Signal,
  WasmpipeError,
} from '@wasmpipe/core';
import { GrpcCode, OtlpDecodeError, type Rejections } from '@wasmpipe/exporters';
import type { Admission } from './admission.ts';

/** A decoded request of either signal. */
export interface Decoded {
  batch: MetricsBatch | LogsBatch;
  rejections: Rejections;
}

/** Why a request was refused; each maps to one HTTP status and one gRPC code. */
export type RefusalKind =
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'too_large'
  | 'invalid'
  | 'overloaded'
  | 'unavailable';

/** The HTTP status and gRPC code each refusal is answered with. */
export const REFUSAL_CODES: Readonly<Record<RefusalKind, { http: number; grpc: number }>> = {
  not_found: { http: 404, grpc: GrpcCode.NOT_FOUND },
  method_not_allowed: { http: 405, grpc: GrpcCode.UNIMPLEMENTED },
  unsupported_media_type: { http: 415, grpc: GrpcCode.INVALID_ARGUMENT },
  too_large: { http: 413, grpc: GrpcCode.RESOURCE_EXHAUSTED },
  invalid: { http: 400, grpc: GrpcCode.INVALID_ARGUMENT },
  overloaded: { http: 429, grpc: GrpcCode.RESOURCE_EXHAUSTED },
  unavailable: { http: 503, grpc: GrpcCode.UNAVAILABLE },
};

/** What happened to a request. */
export type Outcome =
  | { kind: 'accepted'; rejected: number; message: string }
  | { kind: RefusalKind; message: string; retryAfterMs?: number };

/** Thrown while reading a request to refuse it with a given kind. */
export class RequestRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
  }
}

const LOG_INTERVAL_MS = 60_000;

/** Options of {@link Ingest}. */
export interface IngestOptions {
  next: Consumer;
  admission: Admission;
  retryAfterMs: number;
  telemetry: ComponentTelemetry;
  logger: Logger;
}

/** Runs export requests through admission, decoding and the pipeline; shared by HTTP and gRPC. */
export class Ingest {
  readonly #next: Consumer;
  readonly #admission: Admission;
  readonly #retryAfterMs: number;
  readonly #logger: Logger;
  readonly #refusedItems: Record<Signal, Counter>;
  readonly #refusedRequests: Record<Signal, Counter>;
  readonly #lastLogged = new Map<RefusalKind, { at: number; since: number }>();
  readonly #inFlight = new Set<Promise<Outcome>>();
  #closing = false;

  constructor(options: IngestOptions) {
    this.#next = options.next;
    this.#admission = options.admission;
    this.#retryAfterMs = options.retryAfterMs;
    this.#logger = options.logger;
    const { telemetry } = options;
    this.#refusedItems = {
      metrics: telemetry.counter('wasmpipe.collector.refused', 'metrics'),
      logs: telemetry.counter('wasmpipe.collector.refused', 'logs'),
    };
    this.#refusedRequests = {
      metrics: telemetry.counter('wasmpipe.collector.refused_requests', 'metrics'),
      logs: telemetry.counter('wasmpipe.collector.refused_requests', 'logs'),
    };
  }

  /**
   * Runs one export request: waits for a slot (refusing when none frees up within `max_wait`),
   * reads and decodes it with `read`, and hands the batch to the pipeline.
   */
  run(signal: Signal, protocol: string, read: () => Decoded | Promise<Decoded>): Promise<Outcome> {
    const outcome = this.#run(signal, protocol, read);
    this.#inFlight.add(outcome);
    void outcome.finally(() => this.#inFlight.delete(outcome));
    return outcome;
  }

  /** Refuses a request before it reaches `run` (wrong path, method or media type); counted and logged. */
  refuse(signal: Signal | undefined, kind: RefusalKind, message: string, protocol: string): Outcome {
    if (signal !== undefined) this.#refusedRequests[signal].add(1);
    this.#log(kind, message, protocol, signal);
    const outcome: Outcome = { kind, message };
    if (kind === 'overloaded' || kind === 'unavailable') outcome.retryAfterMs = this.#retryAfterMs;
    return outcome;
  }

  /** Stops taking requests (they get 503 / UNAVAILABLE) and waits for those under way. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #run(signal: Signal, protocol: string, read: () => Decoded | Promise<Decoded>): Promise<Outcome> {
    if (this.#closing) return this.refuse(signal, 'unavailable', 'The receiver is shutting down.', protocol);
    if (!(await this.#admission.acquire())) {
      return this.refuse(signal, 'overloaded', 'The pipeline is not keeping up; retry later.', protocol);
    }
    try {
      let decoded: Decoded;
      try {
        decoded = await read();
      } catch (error) {
        if (error instanceof RequestRefusal) return this.refuse(signal, error.kind, error.message, protocol);
        if (error instanceof OtlpDecodeError) return this.refuse(signal, 'invalid', error.message, protocol);
        throw error;
      }
      const { batch, rejections } = decoded;
      this.#refusedItems[signal].add(rejections.count);
      if (countItems(signal, batch as never) > 0) {
        try {
          if (signal === 'metrics') await this.#next.consumeMetrics?.(batch as MetricsBatch);
          else await this.#next.consumeLogs?.(batch as LogsBatch);
        } catch (error) {
          // The runtime counted the batch's items as refused.
          const permanent = WasmpipeError.isInstance(error) && !error.retryable;
          return this.refuse(
            signal,
            permanent ? 'invalid' : 'overloaded',
            `The pipeline refused the data: ${errorMessage(error).replace(/\.$/, '')}.`,
            protocol,
          );
        }
      }
      return { kind: 'accepted', rejected: rejections.count, message: rejections.message() };
    } finally {
      this.#admission.release();
    }
  }

  /** Logs a refusal of this kind at most once a minute, with how many were refused since. */
  #log(kind: RefusalKind, message: string, protocol: string, signal: Signal | undefined): void {
    const now = Date.now();
    const last = this.#lastLogged.get(kind);
    if (last && now - last.at < LOG_INTERVAL_MS) {
      last.since++;
      return;
    }
    this.#lastLogged.set(kind, { at: now, since: 0 });
    const fields: Record<string, unknown> = { reason: kind, protocol, signal, detail: message };
    if (last && last.since > 0) fields['refused_since_last_log'] = last.since;
    this.#logger.warn('Refused an OTLP request.', fields);
  }
}
