// Pluggable plugin state stores. The `wasm` processor's `state` option names a backend: `file`
// (the default: memory, or a file with `path`) is built in; other packages add theirs (the
// `nats_kv` backend of @wasmpipe/nats) through `wasmProcessorWith({ stateBackends })`, so this
// package depends on none of them. A backend's options sit beside `backend` in the same map.

import {
  type CreateContext,
  describeValue,
  isPlainObject,
  type Problem,
  Schema,
  s,
  type ValidateContext,
} from '@wasmpipe/core';

/**
 * What the state host calls act on. `get`, `set` and `delete` are synchronous (a guest waits for
 * them, in a worker through `Atomics.wait`); a limit passed or a store that cannot serve throws,
 * and the message becomes the host error the guest reads.
 */
export interface PluginStateStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
  /** Makes the changes so far durable as far as the backend can (file written, puts sent). */
  flush(): Promise<void>;
  /** Flushes and releases what the store holds (connections, timers). */
  close(): Promise<void>;
}

/** A state backend another package provides, selected by `state.backend: <name>`. */
export interface StateBackend<Options = unknown> {
  /** The `backend` value that selects it, e.g. `nats_kv`. */
  readonly name: string;
  /** The backend's own options (every key of `state` except `backend`), an object schema. */
  readonly config: Schema<Options, unknown>;
  /** Checks what the schema cannot (files, rules between options); `context.path` is `…state`. */
  validate?(options: Options, context: ValidateContext): Promise<Problem[]>;
  /** Opens the store of one processor. */
  open(options: Options, context: CreateContext): Promise<PluginStateStore>;
}

/** The parsed `state` option. */
export type StateConfig =
  | { readonly backend: 'file'; readonly path?: string | undefined }
  | { readonly backend: string; readonly options: unknown };

const fileStateSchema = s.object({
  backend: s.enum(['file']).optional(),
  path: s.string({ nonEmpty: true }).optional(),
});

/** The `state` map: `backend` (default `file`) picks the schema the other keys are checked with. */
export class StateConfigSchema extends Schema<StateConfig, unknown> {
  readonly #backends: readonly StateBackend[];

  constructor(backends: readonly StateBackend[]) {
    super();
    this.#backends = backends;
  }

  /** The backends besides `file`. */
  get backends(): readonly StateBackend[] {
    return this.#backends;
  }

  parse(value: unknown, path: string, problems: Problem[]): StateConfig | undefined {
    const input = value === null ? {} : value;
    if (!isPlainObject(input)) {
      problems.push({ path, message: `expected a map, got ${describeValue(value)}` });
      return undefined;
    }
    const name = input['backend'] ?? 'file';
    if (name === 'file') {
      const parsed = fileStateSchema.parse(input, path, problems);
      return parsed ? { backend: 'file', ...(parsed.path !== undefined ? { path: parsed.path } : {}) } : undefined;
    }
    const backend = this.#backends.find((candidate) => candidate.name === name);
    if (!backend) {
      const known = ['file', ...this.#backends.map((candidate) => candidate.name)].join(', ');
      problems.push({
        path: `${path}.backend`,
        message: `unknown state backend ${describeValue(name)}; known backends here: ${known}`,
      });
      return undefined;
    }
    const { backend: _name, ...rest } = input;
    const before = problems.length;
    const options = backend.config.parse(rest, path, problems);
    return problems.length === before ? { backend: backend.name, options } : undefined;
  }
}
