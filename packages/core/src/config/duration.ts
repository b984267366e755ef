const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

/**
 * Parses a Go-style duration (`10s`, `1m30s`, `250ms`) into milliseconds, as the Collector's
 * configs write them. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (trimmed === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  return consumed === trimmed.length ? total : undefined;
}

/** Formats milliseconds as a short duration (`10s`, `250ms`). */
export function formatDuration(millis: number): string {
  if (millis >= 1000 && millis % 1000 === 0) return `${millis / 1000}s`;
  return `${millis}ms`;
}
