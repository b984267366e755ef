/** The numbers of an nginx stub_status page (ngx_http_stub_status_module). */
export interface StubStatus {
  /** Open client connections, `Waiting` ones included. */
  active: number;
  /** Client connections accepted since nginx started (counters live in shared memory: reloads keep them). */
  accepted: number;
  /** Accepted connections that were handled (fewer only when a resource limit was hit). */
  handled: number;
  /** Client requests since nginx started. */
  requests: number;
  /** Connections where nginx is reading the request header. */
  reading: number;
  /** Connections where nginx is writing the response. */
  writing: number;
  /** Idle keep-alive connections. */
  waiting: number;
}

/** Why a body is not a stub_status page: which line, what was expected and what was there. */
export class StubStatusParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StubStatusParseError';
  }
}

const ACTIVE = /^Active connections:\s*(\d+)\s*$/;
const HEADER = /^server\s+accepts\s+handled\s+requests\s*$/;
const TOTALS = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/;
const STATES = /^Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)\s*$/;

/**
 * Parses the text nginx's `stub_status` serves:
 *
 *     Active connections: 291
 *     server accepts handled requests
 *      16630948 16630948 31070465
 *     Reading: 6 Writing: 179 Waiting: 106
 *
 * Strict about the shape (four lines, in this order) and lenient about spacing and line endings.
 * Throws a {@link StubStatusParseError} saying which line is wrong and how.
 */
export function parseStubStatus(body: string): StubStatus {
  if (body.trim() === '') throw new StubStatusParseError('the body is empty');
  const lines = body.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const line = (index: number, pattern: RegExp, expected: string): RegExpExecArray => {
    const text = lines[index];
    if (text === undefined) {
      throw new StubStatusParseError(
        `line ${index + 1} is missing (the body ends after line ${lines.length}; expected ${expected})`,
      );
    }
    const match = pattern.exec(text);
    if (!match) throw new StubStatusParseError(`line ${index + 1}: expected ${expected}, got ${excerpt(text)}`);
    return match;
  };
  const active = line(0, ACTIVE, '"Active connections: <n>"');
  line(1, HEADER, '"server accepts handled requests"');
  const totals = line(2, TOTALS, 'three numbers "<accepts> <handled> <requests>"');
  const states = line(3, STATES, '"Reading: <n> Writing: <n> Waiting: <n>"');
  if (lines.length > 4)
    throw new StubStatusParseError(`line 5: expected the end of the page, got ${excerpt(lines[4] as string)}`);
  return {
    active: count(active[1]),
    accepted: count(totals[1]),
    handled: count(totals[2]),
    requests: count(totals[3]),
    reading: count(states[1]),
    writing: count(states[2]),
    waiting: count(states[3]),
  };
}

function count(digits: string | undefined): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new StubStatusParseError(`the number ${digits} is too large to hold exactly`);
  return value;
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
