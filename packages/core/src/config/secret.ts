/**
 * A secret config value (a token, a password): its text is read with `reveal()` only where it is
 * used. Printing, logging, string templates and JSON all show `[redacted]`, so a config or an error
 * that carries one cannot leak it by accident.
 */
export class Secret {
  static readonly REDACTED = '[redacted]';
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret's text, for the one place that sends it (a connect call, an auth header). */
  reveal(): string {
    return this.#value;
  }

  /** The redacted form, so `${secret}` never shows the value. */
  toString(): string {
    return Secret.REDACTED;
  }

  /** The redacted form, so `JSON.stringify(config)` never shows the value. */
  toJSON(): string {
    return Secret.REDACTED;
  }

  /** The redacted form for Node's and Deno's `util.inspect` (console.log of a config). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${Secret.REDACTED})`;
  }

  /** True for a Secret, even from another copy of core. */
  static isInstance(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && typeof (value as Secret).reveal === 'function';
  }
}
