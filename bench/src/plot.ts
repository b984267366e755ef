// A small dependency-free SVG line chart: throughput (linear axis) against batch size (log axis),
// one line per path, written by the max-throughput scenario to docs/benchmarks/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of the chart. */
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

/** What the chart shows. */
export interface LineChart {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A horizontal reference line (a target), drawn dotted. */
  reference?: { y: number; label: string };
}

const WIDTH = 720;
const HEIGHT = 440;
const MARGIN = { left: 80, right: 200, top: 64, bottom: 56 };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const round = (value: number) => Math.round(value * 10) / 10;

/** A round step for about five ticks up to `max`. */
function niceStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10) * power;
}

const compact = (value: number) =>
  value >= 1e6
    ? `${Number((value / 1e6).toFixed(2))} M`
    : value >= 1e3
      ? `${Number((value / 1e3).toFixed(1))} k`
      : String(Number(value.toFixed(2)));

/** Renders the chart as SVG text: x on a log10 scale, y linear from 0. */
export function lineChartSvg(chart: LineChart): string {
  const xs = chart.series.flatMap((series) => series.points.map((point) => point.x));
  const ys = chart.series.flatMap((series) => series.points.map((point) => point.y));
  const xMin = Math.log10(Math.min(...xs));
  const xMax = Math.log10(Math.max(...xs));
  const step = niceStep(Math.max(...ys, chart.reference?.y ?? 0) * 1.05);
  const yMax = Math.ceil((Math.max(...ys, chart.reference?.y ?? 0) * 1.05) / step) * step;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xAt = (x: number) => round(MARGIN.left + ((Math.log10(x) - xMin) / (xMax - xMin || 1)) * plotWidth);
  const yAt = (y: number) => round(MARGIN.top + plotHeight - (y / yMax) * plotHeight);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<text x="${MARGIN.left}" y="42" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  for (let y = 0; y <= yMax + step / 2; y += step) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${yAt(y)}" y2="${yAt(y)}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 8}" y="${yAt(y) + 4}" text-anchor="end">${compact(y)}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(
      `<line x1="${xAt(x)}" x2="${xAt(x)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#f0f0f0"/>`,
      `<text x="${xAt(x)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${x.toLocaleString('en')}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  if (chart.reference) {
    const y = yAt(chart.reference.y);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#c00" stroke-dasharray="2 4"/>`,
      `<text x="${MARGIN.left + plotWidth - 4}" y="${y - 6}" text-anchor="end" fill="#c00">${escapeXml(chart.reference.label)}</text>`,
    );
  }
  for (const [index, series] of chart.series.entries()) {
    const path = series.points.map((point) => `${xAt(point.x)},${yAt(point.y)}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2.5"${dash}/>`);
    for (const point of series.points) {
      parts.push(
        `<circle cx="${xAt(point.x)}" cy="${yAt(point.y)}" r="3.5" fill="${series.color}"><title>${escapeXml(`${series.label}: ${compact(point.y)} at ${point.x}`)}</title></circle>`,
      );
    }
    const legendY = MARGIN.top + 12 + index * 22;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(series.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The plot's file: docs/benchmarks/throughput-vs-batch-size.svg. */
export const THROUGHPUT_PLOT = fileURLToPath(
  new URL('../../docs/benchmarks/throughput-vs-batch-size.svg', import.meta.url),
);

/**
 * Writes the throughput-against-batch-size plot from the scenario's medians; returns its path. The
 * no-processors ceiling (several times higher) is left out so the two paths stay readable.
 */
export function renderThroughputPlot(
  sweep: { size: number; medians: { plugins: number; js: number; none: number } }[],
  file = THROUGHPUT_PLOT,
): string {
  const line = (key: 'plugins' | 'js' | 'none') => sweep.map(({ size, medians }) => ({ x: size, y: medians[key] }));
  const svg = lineChartSvg({
    title: 'Throughput against batch size (filter -> enrich -> transform -> OTLP protobuf)',
    subtitle: `One JS thread (workers: 0), Node ${process.version}, medians, testbed-shaped batches, ${new Date().toISOString().slice(0, 10)}`,
    xLabel: 'data points per batch (log scale)',
    yLabel: 'input data points per CPU-second',
    series: [
      { label: 'Wasm plugins', color: '#6b3fa0', points: line('plugins') },
      { label: 'JS processors', color: '#d08700', points: line('js') },
    ],
    reference: { y: 1_000_000, label: 'target: 1 M points/s on one core' },
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svg);
  return file;
}
