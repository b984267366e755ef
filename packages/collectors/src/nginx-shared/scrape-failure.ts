import { WasmpipeError } from '@wasmpipe/core';

/** What went wrong with a scrape; the collector warns once each time this changes. */
export type ScrapeFailureKind =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'tls_files'
  | 'invalid_url'
  | 'http_status'
  | 'too_large'
  | 'truncated'
  | 'invalid_response'
  | 'discovery';

/** A failed scrape, with a message that names the endpoint and what was wrong. */
export class ScrapeFailure extends WasmpipeError {
  readonly kind: ScrapeFailureKind;
  /** The HTTP status, for `http_status` failures. */
  readonly status: number | undefined;

  constructor(
    kind: ScrapeFailureKind,
    message: string,
    options: { retryable?: boolean; cause?: unknown; status?: number } = {},
  ) {
    super(redactUrlCredentials(message), options);
    this.kind = kind;
    this.status = options.status;
  }
}

/** The kind of any thrown value: a ScrapeFailure's own, `error` for anything else. */
export function failureKind(error: unknown): ScrapeFailureKind | 'error' {
  return error instanceof ScrapeFailure ? error.kind : 'error';
}

/**
 * Masks the password of any `scheme://user:password@` URL in a message. An endpoint may carry
 * basic-auth credentials, and every failure names the endpoint (found by the secrets test).
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]*@/gi, '$1:***@');
}
