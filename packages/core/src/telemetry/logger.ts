/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Writes structured log lines. Messages are capitalised sentences that end with a period. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  /** True when lines at `level` are written. */
  enabled(level: LogLevel): boolean;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  /** Where lines go; defaults to `console.error` (stderr). */
  write?: (line: string) => void;
  fields?: LogFields;
}

/** True for a known level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS;
}

/** Creates a logger writing `text` (logfmt-like) or `json` lines. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const format = options.format ?? 'text';
  const write = options.write ?? ((line: string) => console.error(line));
  const base = options.fields ?? {};

  const make = (fields: LogFields): Logger => {
    const log = (level: LogLevel, message: string, extra?: LogFields) => {
      if (LEVELS[level] < threshold) return;
      const all = extra ? { ...fields, ...extra } : fields;
      const time = new Date().toISOString();
      write(
        format === 'json'
          ? JSON.stringify({ time, level, message, ...all }, jsonReplacer)
          : textLine(time, level, message, all),
      );
    };
    return {
      debug: (message, extra) => log('debug', message, extra),
      info: (message, extra) => log('info', message, extra),
      warn: (message, extra) => log('warn', message, extra),
      error: (message, extra) => log('error', message, extra),
      child: (more) => make({ ...fields, ...more }),
      enabled: (level) => LEVELS[level] >= threshold,
    };
  };
  return make(base);
}

/** A logger that writes nothing, for tests and library users who bring their own. */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

function textLine(time: string, level: LogLevel, message: string, fields: LogFields): string {
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text =
      value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value, jsonReplacer);
    line += ` ${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return line;
}
