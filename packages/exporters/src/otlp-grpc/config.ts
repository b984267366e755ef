import { type Infer, joinPath, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { tlsClientConfig, validateTlsClientConfig } from '../shared/tls-config.ts';

/** The config of the `otlp_grpc` exporter; names as the Collector's `otlp` exporter. */
export const otlpGrpcConfig = s.object({
  endpoint: s
    .string({ nonEmpty: true })
    .describe(
      'host:port of the OTLP/gRPC receiver; an http:// URL means plaintext, https:// TLS, and a bare host:port TLS unless tls.insecure.',
    ),
  headers: s.record(s.string()).default({}).describe('gRPC metadata sent with every call, e.g. an API key.'),
  compression: s.enum(['gzip', 'none']).default('gzip').describe('Message compression.'),
  timeout: s.duration({ min: 1 }).default('10s').describe('Deadline of one export call.'),
  tls: tlsClientConfig.default({}).describe('TLS settings; `insecure: true` for plaintext.'),
});

/** The parsed config of the `otlp_grpc` exporter. */
export type OtlpGrpcConfig = Infer<typeof otlpGrpcConfig>;

/** Where to connect and whether with TLS, from `endpoint` and `tls.insecure`. */
export interface GrpcTarget {
  /** `host:port` as grpc-js takes it. */
  address: string;
  host: string;
  secure: boolean;
}

const DEFAULT_PORT = 4317;

/** Works out the gRPC target of an endpoint; undefined when it is not `host[:port]` or an http(s) URL. */
export function grpcTarget(config: { endpoint: string; tls: { insecure: boolean } }): GrpcTarget | undefined {
  const endpoint = config.endpoint.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return undefined;
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `grpc://${endpoint}` : endpoint);
  } catch {
    return undefined;
  }
  if (
    url.hostname === '' ||
    url.username !== '' ||
    (scheme === undefined && url.pathname !== '' && url.pathname !== '/')
  ) {
    return undefined;
  }
  // A URL without a port means its scheme's port; a bare host means the OTLP/gRPC port.
  const port = url.port !== '' ? Number(url.port) : scheme === undefined ? DEFAULT_PORT : scheme === 'https' ? 443 : 80;
  const secure = scheme === 'https' || (scheme === undefined && !config.tls.insecure);
  return { address: `${url.hostname}:${port}`, host: url.hostname.replace(/^\[|\]$/g, ''), secure };
}

/** Checks the endpoint shape and the TLS files. */
export async function validateOtlpGrpcConfig(config: OtlpGrpcConfig, context: ValidateContext): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (grpcTarget(config) === undefined) {
    problems.push({
      path: joinPath(context.path, 'endpoint'),
      message: `expected host:port or an http:// or https:// URL, got ${JSON.stringify(config.endpoint)}`,
    });
  }
  if (config.endpoint.trim().toLowerCase().startsWith('http://') && hasTlsFiles(config)) {
    problems.push({
      path: joinPath(context.path, 'tls'),
      message: 'has certificate files but the endpoint is http:// (plaintext); use https:// or drop them',
    });
  }
  problems.push(
    ...(await validateTlsClientConfig(
      config.tls,
      joinPath(context.path, 'tls'),
      context.platform,
      context.configDirectory,
    )),
  );
  return problems;
}

function hasTlsFiles(config: OtlpGrpcConfig): boolean {
  return config.tls.ca_file !== undefined || config.tls.cert_file !== undefined;
}
