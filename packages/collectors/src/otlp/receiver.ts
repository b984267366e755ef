import type { Collector, Consumer, CreateContext, Host, HttpServer, Logger, Platform } from '@wasmpipe/core';
import { parseListenEndpoint } from '@wasmpipe/exporters';
import { Admission } from './admission.ts';
import type { OtlpReceiverConfig } from './config.ts';
import { type GrpcListener, startGrpcServer } from './grpc-server.ts';
import { createHttpHandler } from './http-handler.ts';
import { Ingest } from './ingest.ts';

const MIB = 1024 * 1024;
/** How long shutdown lets gRPC calls under way finish before it cuts them. */
const GRPC_GRACE_MS = 5_000;

/**
 * The `otlp` collector: serves OTLP/HTTP and OTLP/gRPC and hands what it receives to the pipeline.
 * Shutdown refuses new requests (503 / UNAVAILABLE), waits for those under way, then closes.
 */
export class OtlpReceiver implements Collector {
  readonly #config: OtlpReceiverConfig;
  readonly #logger: Logger;
  readonly #ingest: Ingest;
  #platform: Platform;
  #http: HttpServer | undefined;
  #grpc: GrpcListener | undefined;
  #state: 'created' | 'running' | 'stopped' = 'created';

  constructor(config: OtlpReceiverConfig, context: CreateContext, next: Consumer) {
    this.#config = config;
    this.#logger = context.logger;
    this.#platform = context.platform;
    this.#ingest = new Ingest({
      next,
      admission: new Admission(config.max_concurrent_requests, config.max_wait),
      retryAfterMs: config.retry_after,
      telemetry: context.telemetry,
      logger: context.logger,
    });
  }

  /** Where OTLP/HTTP listens once started, e.g. `127.0.0.1:4318`; undefined when off. */
  get httpAddress(): string | undefined {
    return this.#http && `${this.#http.hostname}:${this.#http.port}`;
  }

  /** Where OTLP/gRPC listens once started; undefined when off. */
  get grpcAddress(): string | undefined {
    const endpoint = this.#config.protocols.grpc?.endpoint;
    if (!this.#grpc || endpoint === undefined) return undefined;
    return `${parseListenEndpoint(endpoint)?.hostname}:${this.#grpc.port}`;
  }

  /** Starts the servers of the enabled protocols. */
  async start(host: Host): Promise<void> {
    if (this.#state !== 'created') return;
    this.#state = 'running';
    this.#platform = host.platform;
    const { http, grpc } = this.#config.protocols;
    try {
      if (http) {
        const address = parseListenEndpoint(http.endpoint) as { hostname: string; port: number };
        const handler = createHttpHandler(
          {
            metricsPath: http.metrics_url_path,
            logsPath: http.logs_url_path,
            maxRequestBodySize: http.max_request_body_size,
          },
          this.#ingest,
        );
        this.#http = await this.#platform.serve(address, handler);
        this.#logger.info('OTLP/HTTP is listening.', { endpoint: `http://${this.httpAddress}` });
      }
      if (grpc) {
        const address = parseListenEndpoint(grpc.endpoint) as { hostname: string; port: number };
        this.#grpc = await startGrpcServer(address, Math.round(grpc.max_recv_msg_size_mib * MIB), this.#ingest);
        this.#logger.info('OTLP/gRPC is listening.', { endpoint: this.grpcAddress });
      }
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /** Refuses new requests, waits for those under way, and closes the servers. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    await this.#ingest.close();
    await Promise.all([this.#http?.close(), this.#grpc?.close(GRPC_GRACE_MS)]);
    this.#http = undefined;
    this.#grpc = undefined;
  }
}
