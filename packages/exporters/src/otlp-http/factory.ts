import { defineExporter, type Problem } from '@wasmpipe/core';
import { otlpHttpConfig, validateOtlpHttpConfig } from './config.ts';
import { OtlpHttpExporter } from './exporter.ts';
import { resolveSettings } from './settings.ts';

/** The `otlp_http` exporter type: metrics and logs to an OTLP/HTTP receiver, protobuf or JSON. */
export const otlpHttpExporter = defineExporter({
  type: 'otlp_http',
  description: 'Sends metrics and logs to an OTLP/HTTP receiver (protobuf or JSON, optionally gzipped, TLS).',
  signals: ['metrics', 'logs'],
  config: otlpHttpConfig,
  async validate(config, context) {
    const problems: Problem[] = validateOtlpHttpConfig(config, context.path);
    const { settings, problems: envProblems } = resolveSettings(
      config,
      (name) => context.platform.env(name),
      context.configDirectory,
      context.path,
    );
    const configProblems = problems.length;
    problems.push(...envProblems);
    for (const signal of ['metrics', 'logs'] as const) {
      const url = settings[signal].url;
      if (configProblems > 0) break; // a bad URL in the config is already reported
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        problems.push({
          path: context.path,
          message: `the ${signal} endpoint ${JSON.stringify(url)} is not an http:// or https:// URL`,
        });
      }
      // Credentials in the URL (user:password@) are never sent by fetch, and every failure logs
      // the URL: refuse them without quoting the URL, and point at headers (found by the
      // secrets test).
      else if (new URL(url).username !== '' || new URL(url).password !== '') {
        problems.push({
          path: context.path,
          message: `the ${signal} endpoint carries credentials (user:password@host); send them in headers instead, e.g. headers: { authorization: ... }`,
        });
      }
    }
    for (const signal of ['metrics', 'logs'] as const) {
      const tls = settings[signal].tls;
      for (const [option, file] of [
        ['tls.ca_file', tls?.caFile],
        ['tls.cert_file', tls?.certFile],
        ['tls.key_file', tls?.keyFile],
      ] as const) {
        if (file !== undefined && !(await context.platform.isFile(file))) {
          problems.push({ path: `${context.path}.${option}`, message: `file not found: ${file}` });
        }
      }
    }
    return dedupe(problems);
  },
  create: (config, context) => new OtlpHttpExporter(config, context),
});

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
