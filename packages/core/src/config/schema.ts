import { parseDuration } from './duration.ts';
import { describeValue, joinPath, type Problem } from './problems.ts';
import { Secret } from './secret.ts';

/**
 * A config schema: checks a value decoded from YAML (or passed in code), collects every problem
 * with its dotted path, and returns the typed value with defaults applied. `Out` is what the
 * component receives; `In` is what a user may write.
 */
export abstract class Schema<Out, In = Out> {
  declare readonly _output: Out;
  declare readonly _input: In;
  /** One line for generated docs and `--help`. */
  description: string | undefined;

  /** Checks `value`; pushes problems found at `path` and returns undefined when any is fatal. */
  abstract parse(value: unknown, path: string, problems: Problem[]): Out | undefined;

  /** The value used when the key is absent; undefined means the key is required. */
  fallback(): Out | undefined {
    return undefined;
  }

  /** Makes the key optional, with no default. */
  optional(): Schema<Out | undefined, In | undefined> {
    return new OptionalSchema(this);
  }

  /** Makes the key optional, falling back to `value` (given as a user would write it). */
  default(value: In): Schema<Out, In | undefined> {
    return new DefaultSchema(this, value);
  }

  /** Attaches a one-line description. */
  describe(text: string): this {
    this.description = text;
    return this;
  }
}

/** The type a schema produces. */
export type Infer<S> = S extends Schema<infer Out, unknown> ? Out : never;
/** The type a user may write for a schema. */
export type Input<S> = S extends Schema<unknown, infer In> ? In : never;

class OptionalSchema<Out, In> extends Schema<Out | undefined, In | undefined> {
  constructor(readonly inner: Schema<Out, In>) {
    super();
    this.description = inner.description;
  }
  parse(value: unknown, path: string, problems: Problem[]): Out | undefined {
    return value === undefined ? undefined : this.inner.parse(value, path, problems);
  }
  override fallback(): Out | undefined {
    return undefined;
  }
}

class DefaultSchema<Out, In> extends Schema<Out, In | undefined> {
  constructor(
    readonly inner: Schema<Out, In>,
    readonly defaultValue: In,
  ) {
    super();
    this.description = inner.description;
  }
  parse(value: unknown, path: string, problems: Problem[]): Out | undefined {
    return this.inner.parse(value === undefined ? this.defaultValue : value, path, problems);
  }
  override fallback(): Out | undefined {
    return this.inner.parse(this.defaultValue, '', []);
  }
}

class StringSchema extends Schema<string> {
  constructor(readonly options: { nonEmpty?: boolean; pattern?: RegExp; patternHint?: string } = {}) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): string | undefined {
    if (typeof value !== 'string') {
      problems.push({ path, message: `expected a string, got ${describeValue(value)}` });
      return undefined;
    }
    if (this.options.nonEmpty && value.trim() === '') {
      problems.push({ path, message: 'must not be empty' });
      return undefined;
    }
    if (this.options.pattern && !this.options.pattern.test(value)) {
      problems.push({
        path,
        message: `expected ${this.options.patternHint ?? this.options.pattern}, got ${describeValue(value)}`,
      });
      return undefined;
    }
    return value;
  }
}

class NumberSchema extends Schema<number> {
  constructor(readonly options: { integer?: boolean; min?: number; max?: number } = {}) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): number | undefined {
    const { integer, min, max } = this.options;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      problems.push({ path, message: `expected ${integer ? 'an integer' : 'a number'}, got ${describeValue(value)}` });
      return undefined;
    }
    if (integer && !Number.isInteger(value)) {
      problems.push({ path, message: `expected an integer, got ${value}` });
      return undefined;
    }
    if (min !== undefined && value < min) {
      problems.push({ path, message: `must be at least ${min}, got ${value}` });
      return undefined;
    }
    if (max !== undefined && value > max) {
      problems.push({ path, message: `must be at most ${max}, got ${value}` });
      return undefined;
    }
    return value;
  }
}

class BooleanSchema extends Schema<boolean> {
  parse(value: unknown, path: string, problems: Problem[]): boolean | undefined {
    if (typeof value !== 'boolean') {
      problems.push({ path, message: `expected true or false, got ${describeValue(value)}` });
      return undefined;
    }
    return value;
  }
}

/** A duration written as `10s` or `250ms`, or a number of milliseconds; parsed to milliseconds. */
class DurationSchema extends Schema<number, string | number> {
  constructor(readonly options: { min?: number } = {}) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): number | undefined {
    const millis = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
    if (millis === undefined || Number.isNaN(millis) || millis < 0) {
      problems.push({ path, message: `expected a duration such as "10s" or "250ms", got ${describeValue(value)}` });
      return undefined;
    }
    if (this.options.min !== undefined && millis < this.options.min) {
      problems.push({ path, message: `must be at least ${this.options.min}ms, got ${describeValue(value)}` });
      return undefined;
    }
    return millis;
  }
}

class EnumSchema<const T extends string> extends Schema<T> {
  constructor(readonly values: readonly T[]) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): T | undefined {
    if (typeof value !== 'string' || !this.values.includes(value as T)) {
      problems.push({ path, message: `expected one of ${this.values.join(', ')}, got ${describeValue(value)}` });
      return undefined;
    }
    return value as T;
  }
}

class ArraySchema<Out, In> extends Schema<Out[], In[]> {
  constructor(
    readonly item: Schema<Out, In>,
    readonly options: { minItems?: number } = {},
  ) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): Out[] | undefined {
    if (!Array.isArray(value)) {
      problems.push({ path, message: `expected a list, got ${describeValue(value)}` });
      return undefined;
    }
    if (this.options.minItems !== undefined && value.length < this.options.minItems) {
      problems.push({ path, message: `expected at least ${this.options.minItems} item(s), got ${value.length}` });
      return undefined;
    }
    const before = problems.length;
    const result = value.map((item, index) => this.item.parse(item, joinPath(path, index), problems));
    return problems.length === before ? (result as Out[]) : undefined;
  }
}

class RecordSchema<Out, In> extends Schema<Record<string, Out>, Record<string, In>> {
  constructor(readonly value: Schema<Out, In>) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): Record<string, Out> | undefined {
    if (!isPlainObject(value)) {
      problems.push({ path, message: `expected a map, got ${describeValue(value)}` });
      return undefined;
    }
    const before = problems.length;
    const result: Record<string, Out> = {};
    for (const [key, item] of Object.entries(value)) {
      const parsed = this.value.parse(item, joinPath(path, key), problems);
      if (parsed !== undefined) result[key] = parsed;
    }
    return problems.length === before ? result : undefined;
  }
}

/**
 * A secret string (token, password), parsed to a `Secret` that prints as `[redacted]`. Its problems
 * never quote the value. A number or boolean (what `${env:TOKEN}` becomes when the variable holds
 * digits) is taken as its text.
 */
class SecretSchema extends Schema<Secret, string | Secret> {
  parse(value: unknown, path: string, problems: Problem[]): Secret | undefined {
    if (value instanceof Secret || Secret.isInstance(value)) return value as Secret;
    if (typeof value === 'number' || typeof value === 'boolean') return new Secret(String(value));
    if (typeof value !== 'string') {
      const kind =
        value === null
          ? 'null'
          : Array.isArray(value)
            ? 'a list'
            : `a ${typeof value === 'object' ? 'map' : typeof value}`;
      problems.push({ path, message: `expected a secret string, got ${kind}` });
      return undefined;
    }
    if (value === '') {
      problems.push({ path, message: 'must not be empty' });
      return undefined;
    }
    return new Secret(value);
  }
}

/** Anything at all, passed through unchecked (a plugin's own config, checked by the plugin). */
class UnknownSchema extends Schema<unknown> {
  parse(value: unknown): unknown {
    return value;
  }
}

type Shape = Record<string, Schema<unknown, unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Input<S[K]> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object a user writes for an object schema: keys with defaults or `optional()` may be left out. */
export type ObjectInput<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Input<S[K]> } & { [K in OptionalKeys<S>]?: Input<S[K]> }
>;
/** The object a component receives from an object schema. */
export type ObjectOutput<S extends Shape> = Simplify<{ [K in keyof S]: Infer<S[K]> }>;

class ObjectSchema<S extends Shape> extends Schema<ObjectOutput<S>, ObjectInput<S>> {
  constructor(readonly shape: S) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): ObjectOutput<S> | undefined {
    const input = value === null ? {} : value;
    if (!isPlainObject(input)) {
      problems.push({ path, message: `expected a map, got ${describeValue(value)}` });
      return undefined;
    }
    const before = problems.length;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      if (!(key in this.shape)) {
        const known = Object.keys(this.shape);
        const hint = known.length > 0 ? `; known options: ${known.join(', ')}` : '';
        problems.push({ path: joinPath(path, key), message: `unknown option${hint}` });
      }
    }
    for (const [key, schema] of Object.entries(this.shape)) {
      const raw = input[key];
      const childPath = joinPath(path, key);
      if (raw === undefined) {
        const fallback = schema.fallback();
        if (fallback === undefined && !(schema instanceof OptionalSchema)) {
          problems.push({ path: childPath, message: 'is required' });
        }
        if (fallback !== undefined) result[key] = fallback;
        continue;
      }
      const parsed = schema.parse(raw, childPath, problems);
      if (parsed !== undefined) result[key] = parsed;
    }
    return problems.length === before ? (result as ObjectOutput<S>) : undefined;
  }
  override fallback(): ObjectOutput<S> | undefined {
    const problems: Problem[] = [];
    const value = this.parse({}, '', problems);
    return problems.length === 0 ? value : undefined;
  }
}

/** True for a map decoded from YAML or written as an object literal. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Builders for config schemas: `s.object({ endpoint: s.string(), timeout: s.duration().default('5s') })`. */
export const s = {
  string: (options?: { nonEmpty?: boolean; pattern?: RegExp; patternHint?: string }) => new StringSchema(options),
  number: (options?: { integer?: boolean; min?: number; max?: number }) => new NumberSchema(options),
  integer: (options?: { min?: number; max?: number }) => new NumberSchema({ ...options, integer: true }),
  boolean: () => new BooleanSchema(),
  duration: (options?: { min?: number }) => new DurationSchema(options),
  enum: <const T extends string>(values: readonly T[]) => new EnumSchema<T>(values),
  array: <Out, In>(item: Schema<Out, In>, options?: { minItems?: number }) => new ArraySchema(item, options),
  record: <Out, In>(value: Schema<Out, In>) => new RecordSchema(value),
  object: <S extends Shape>(shape: S) => new ObjectSchema(shape),
  unknown: () => new UnknownSchema(),
  /** A token or password: parsed to a `Secret`, never quoted in problems, logs or JSON. */
  secret: () => new SecretSchema(),
};

/** The type of an object schema built with `s.object`. */
export type ObjectSchemaOf<S extends Shape> = ObjectSchema<S>;
