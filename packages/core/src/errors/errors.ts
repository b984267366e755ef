const MARKER = Symbol.for('wasmpipe.error');

/** Options for a {@link WasmpipeError}. */
export interface WasmpipeErrorOptions {
  /** True when trying the same operation again later may succeed (a timeout, a 503). */
  retryable?: boolean;
  cause?: unknown;
  /** For a retryable error: how long the peer asked us to wait, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * The base error of wasmpipe. Errors are classified by the `retryable` flag, not by subclass;
 * `WasmpipeError.isInstance` works across duplicate copies of this package.
 */
export class WasmpipeError extends Error {
  readonly [MARKER] = true;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: WasmpipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WasmpipeError';
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True when `value` is a WasmpipeError from any copy of this package. */
  static isInstance(value: unknown): value is WasmpipeError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** An error that will fail again whatever we do (bad data, a 400): never retried. */
export function permanentError(message: string, cause?: unknown): WasmpipeError {
  return new WasmpipeError(message, { retryable: false, cause });
}

/** An error that may pass if tried again later (a timeout, a refused connection, a 503). */
export function retryableError(
  message: string,
  options: { cause?: unknown; retryAfterMs?: number } = {},
): WasmpipeError {
  return new WasmpipeError(message, { retryable: true, ...options });
}

/** True when the error says trying again may succeed. Unknown errors are treated as retryable. */
export function isRetryable(error: unknown): boolean {
  return WasmpipeError.isInstance(error) ? error.retryable : true;
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
