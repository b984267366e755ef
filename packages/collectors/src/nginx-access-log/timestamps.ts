// nginx's log timestamps to unix nanoseconds. Lines written in the same second share their time
// text, so each reader remembers the last text it parsed and compares in place before parsing.

const NANOS_PER_MILLI = 1_000_000n;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const TIME_LOCAL = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** `$time_local`, e.g. `10/Oct/2000:13:55:36 -0700`. */
export function parseTimeLocal(text: string): bigint | undefined {
  const match = TIME_LOCAL.exec(text);
  if (!match) return undefined;
  const month = MONTHS[match[2] as string];
  if (month === undefined) return undefined;
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  const offsetMinutes = (Number(match[8]) * 60 + Number(match[9])) * (match[7] === '-' ? -1 : 1);
  const millis = utc - offsetMinutes * 60_000;
  return Number.isNaN(millis) ? undefined : BigInt(millis) * NANOS_PER_MILLI;
}

const ISO8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `$time_iso8601`, e.g. `2000-10-10T13:55:36-07:00`. */
export function parseTimeIso8601(text: string): bigint | undefined {
  if (!ISO8601.test(text)) return undefined;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : BigInt(millis) * NANOS_PER_MILLI;
}

/** `$msec`: seconds with milliseconds, e.g. `1700000000.123`. */
export function parseMsec(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) return undefined;
  const millis = BigInt(match[1] as string) * 1000n + BigInt((match[2] ?? '').padEnd(3, '0'));
  return millis * NANOS_PER_MILLI;
}

/** The parser for each time variable. */
export const TIME_PARSERS: Record<string, (text: string) => bigint | undefined> = {
  time_local: parseTimeLocal,
  time_iso8601: parseTimeIso8601,
  msec: parseMsec,
};

/** Reads one time variable from lines, reusing the last result while the text repeats. */
export class TimeReader {
  readonly #parse: (text: string) => bigint | undefined;
  #lastText = '';
  #lastValue: bigint | undefined;

  constructor(parse: (text: string) => bigint | undefined) {
    this.#parse = parse;
  }

  /** The time written at `line[start, end)`, undefined when it is not a valid time. */
  read(line: string, start: number, end: number): bigint | undefined {
    const length = end - start;
    if (length === this.#lastText.length && length > 0 && line.startsWith(this.#lastText, start)) {
      return this.#lastValue;
    }
    this.#lastText = line.slice(start, end);
    this.#lastValue = this.#parse(this.#lastText);
    return this.#lastValue;
  }
}
