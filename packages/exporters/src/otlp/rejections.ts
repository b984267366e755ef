// What a decoder refused while turning a request into a batch: the items it left out and why.
// A receiver answers with this as an OTLP partial success.

const MAX_REASONS = 5;

/** Counts rejected items and keeps the first few distinct reasons. */
export class Rejections {
  /** Items (data points or log records) left out of the batch. */
  count = 0;
  readonly #reasons = new Map<string, number>();

  /** Records `count` items (possibly 0, for a warning) left out for `reason`. */
  add(count: number, reason: string): void {
    this.count += count;
    if (this.#reasons.has(reason) || this.#reasons.size < MAX_REASONS) {
      this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
    }
  }

  /** True when nothing was rejected and there is nothing to warn about. */
  get empty(): boolean {
    return this.#reasons.size === 0;
  }

  /** One message naming every kept reason, for `partial_success.error_message`. */
  message(): string {
    return [...this.#reasons.entries()]
      .map(([reason, times]) => (times > 1 ? `${reason} (${times} times)` : reason))
      .join('; ');
  }
}
