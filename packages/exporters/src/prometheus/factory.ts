import { defineExporter } from '@wasmpipe/core';
import { prometheusConfig } from './config.ts';
import { PrometheusExporter } from './exporter.ts';

/** The `prometheus` exporter type: a scrape endpoint in the Prometheus text format or OpenMetrics. */
export const prometheusExporter = defineExporter({
  type: 'prometheus',
  description: 'Serves metrics on a Prometheus scrape endpoint (text format 0.0.4, or OpenMetrics 1.0 on request).',
  signals: ['metrics'],
  config: prometheusConfig,
  create: (config, context) => new PrometheusExporter(config, context),
});
