// Units the transform plugin converts between (UCUM, as OpenTelemetry writes them), each as a
// factor to its dimension's base unit. Converting multiplies by from / to.

const NAMES: string[] = ['ns', 'us', 'ms', 's', 'min', 'h', 'd', 'By', 'kBy', 'MBy', 'GBy', 'KiBy', 'MiBy', 'GiBy', 'bit', 'kbit', 'Mbit'];
const FACTORS: f64[] = [1e-9, 1e-6, 1e-3, 1, 60, 3600, 86400, 1, 1e3, 1e6, 1e9, 1024, 1048576, 1073741824, 0.125, 125, 125000];
const DIMENSIONS: string[] = ['time', 'time', 'time', 'time', 'time', 'time', 'time', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes'];

/** The factor that converts a value in `from` to `to`; 0 when they are not both known units of one dimension. */
export function conversionFactor(from: string, to: string): f64 {
  const source = NAMES.indexOf(from);
  const target = NAMES.indexOf(to);
  if (source < 0 || target < 0 || DIMENSIONS[source] != DIMENSIONS[target]) return 0;
  return FACTORS[source] / FACTORS[target];
}

/** The units known, for messages. */
export function knownUnits(): string {
  return NAMES.join(', ');
}
