import { type Infer, joinPath, type Problem, s } from '@wasmpipe/core';
import { listenEndpoint } from '@wasmpipe/exporters';

const MIB = 1024 * 1024;
const URL_PATH = { pattern: /^\/\S*$/, patternHint: 'a path starting with "/"' };

/** OTLP/HTTP options, named as in the Collector's `protocols.http`. */
const httpConfig = s.object({
  endpoint: listenEndpoint('127.0.0.1:4318').describe('host:port to listen on for OTLP/HTTP.'),
  max_request_body_size: s
    .integer({ min: 1 })
    .default(20 * MIB)
    .describe('Largest request body in bytes, checked both as received and after decompression (413 beyond).'),
  metrics_url_path: s.string(URL_PATH).default('/v1/metrics').describe('Path that takes metrics.'),
  logs_url_path: s.string(URL_PATH).default('/v1/logs').describe('Path that takes logs.'),
});

/** OTLP/gRPC options, named as in the Collector's `protocols.grpc`. */
const grpcConfig = s.object({
  endpoint: listenEndpoint('127.0.0.1:4317').describe('host:port to listen on for OTLP/gRPC.'),
  max_recv_msg_size_mib: s
    .number({ min: 0.001 })
    .default(4)
    .describe('Largest request message in MiB, after decompression (RESOURCE_EXHAUSTED beyond).'),
});

/** The config of the `otlp` collector (receiver). */
export const otlpReceiverConfig = s.object({
  protocols: s
    .object({
      http: httpConfig.optional().describe('Serve OTLP/HTTP (protobuf and JSON); on when the key is present.'),
      grpc: grpcConfig.optional().describe('Serve OTLP/gRPC; on when the key is present.'),
    })
    .default({ http: {}, grpc: {} })
    .describe('The protocols to serve; both by default.'),
  max_concurrent_requests: s
    .integer({ min: 1 })
    .default(32)
    .describe('Requests handed to the pipeline at the same time, both protocols together.'),
  max_wait: s
    .duration()
    .default('1s')
    .describe('How long a request waits for one of those slots before it is refused with 429 / RESOURCE_EXHAUSTED.'),
  retry_after: s
    .duration({ min: 1000 })
    .default('5s')
    .describe('The delay suggested to refused clients (HTTP Retry-After, gRPC RetryInfo).'),
});

/** The checked config of the `otlp` collector. */
export type OtlpReceiverConfig = Infer<typeof otlpReceiverConfig>;

/** Cross-field checks: at least one protocol, and not both on one address. */
export function validateOtlpReceiverConfig(config: OtlpReceiverConfig, path: string): Problem[] {
  const { http, grpc } = config.protocols;
  if (http === undefined && grpc === undefined) {
    return [{ path: joinPath(path, 'protocols'), message: 'must enable at least one protocol (http, grpc)' }];
  }
  if (http && grpc && http.endpoint === grpc.endpoint && !http.endpoint.endsWith(':0')) {
    return [
      {
        path: joinPath(path, 'protocols.grpc.endpoint'),
        message: `is the same address as protocols.http.endpoint (${http.endpoint}); give each protocol its own port`,
      },
    ];
  }
  return [];
}
