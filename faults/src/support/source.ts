// A client that sends numbered gauge points to wasmpipe's `otlp` collector over OTLP/HTTP, the
// way an OpenTelemetry SDK would: each request is retried until it is answered 200, and only then
// are its points counted as sent. The request bytes are made with the official protobuf schema.
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

interface GeneratedType {
  fromObject(object: object): object;
  encode(message: object): { finish(): Uint8Array };
}
const ExportMetricsServiceRequest = (
  root as unknown as {
    opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: GeneratedType } } } } };
  }
).opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** The request bytes of `count` gauge points of `stream`, valued `first`, `first + 1`, .... */
export function numberedRequest(stream: string, first: number, count: number): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const message = ExportMetricsServiceRequest.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: stream } }] },
        scopeMetrics: [
          {
            scope: { name: 'faults' },
            metrics: [
              {
                name: 'sequence',
                gauge: {
                  dataPoints: Array.from({ length: count }, (_, index) => ({
                    asInt: first + index,
                    timeUnixNano: String(now + BigInt(index)),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });
  return ExportMetricsServiceRequest.encode(message).finish();
}

/** Options of {@link Source}. */
export interface SourceOptions {
  /** The receiver's base URL, `http://127.0.0.1:<port>`; may be set later (after a restart). */
  url?: string;
  stream?: string;
  /** Points per request; default 50. */
  batchSize?: number;
  /** Requests under way at once; default 2. */
  concurrency?: number;
  /** Give up on one request after this long; default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * Sends numbered points and keeps count. `sent` holds the keys of points answered 200; `ambiguous`
 * those whose request got no answer at least once (the connection dropped after the body was
 * written), so the receiver may have taken them and the retry may be a legitimate duplicate.
 */
export class Source {
  url: string;
  readonly stream: string;
  readonly sent = new Set<string>();
  readonly ambiguous = new Set<string>();
  /** Answers other than 200, by status (0: no answer). */
  readonly refusals = new Map<number, number>();
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  #next = 0;
  #running = false;
  #workers: Promise<void>[] = [];
  #limit = Number.POSITIVE_INFINITY;
  #halted = false;

  constructor(options: SourceOptions) {
    this.url = options.url ?? '';
    this.stream = options.stream ?? 'faults';
    this.#batchSize = options.batchSize ?? 50;
    this.#concurrency = options.concurrency ?? 2;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Points handed out to requests so far (sent or still being sent). */
  get started(): number {
    return this.#next;
  }

  /** Starts sending until `stop()` or until `limit` points in all were started. */
  start(limit = Number.POSITIVE_INFINITY): void {
    if (this.#running) return;
    this.#running = true;
    this.#limit = this.#next + limit;
    this.#workers = Array.from({ length: this.#concurrency }, () => this.#work());
  }

  /** Stops starting requests and waits for those under way to be answered 200 (they retry until then). */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    this.#workers = [];
  }

  /**
   * Stops at once: requests under way give up at their next failure instead of retrying, and their
   * points are not counted as sent (the receiver never said it took them). For a receiver that is
   * going away (SIGTERM).
   */
  async halt(): Promise<void> {
    this.#halted = true;
    await this.stop();
    this.#halted = false;
  }

  /** Sends exactly `count` more points and waits until all are answered 200. */
  async send(count: number): Promise<void> {
    this.start(count);
    await Promise.all(this.#workers);
    this.#running = false;
    this.#workers = [];
  }

  async #work(): Promise<void> {
    while (this.#running && this.#next < this.#limit) {
      const first = this.#next;
      const count = Math.min(this.#batchSize, this.#limit - first);
      this.#next += count;
      await this.#deliver(first, count);
    }
  }

  /** Posts one request until it is answered 200, however long that takes. */
  async #deliver(first: number, count: number): Promise<void> {
    const body = numberedRequest(this.stream, first, count);
    const keys = Array.from({ length: count }, (_, index) => `${this.stream}#${first + index}`);
    for (;;) {
      let status = 0;
      let retryAfterMs = 0;
      try {
        const response = await fetch(`${this.url}/v1/metrics`, {
          method: 'POST',
          body: body as Uint8Array<ArrayBuffer>,
          headers: { 'content-type': 'application/x-protobuf' },
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        status = response.status;
        retryAfterMs = Number(response.headers.get('retry-after') ?? '0') * 1000;
        await response.arrayBuffer().catch(() => {});
      } catch (error) {
        // No answer: refused before sending (nothing taken) or cut after (maybe taken).
        if (!/ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error))) {
          for (const key of keys) this.ambiguous.add(key);
        }
      }
      if (status === 200) {
        for (const key of keys) this.sent.add(key);
        return;
      }
      this.refusals.set(status, (this.refusals.get(status) ?? 0) + 1);
      if (this.#halted) return;
      // Retry soon; honour Retry-After but keep the suite quick (the receiver asks 5 s by default).
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterMs || 100, 500)));
    }
  }
}
