// Sample batches for the SDK's and the plugins' tests: every metric type (with exemplars, flags,
// integers, histograms, exponential histograms and summaries) and logs with every AnyValue kind.
// They are the host's own test batches, so the host and the guests are tested on the same data.
export { sampleLogsBatch, sampleMetricsBatch } from '../../../packages/host-wapc/src/testing/fixtures.ts';
