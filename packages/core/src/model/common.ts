/**
 * An attribute or log body value: the OTLP `AnyValue` set. A JS `number` that is an integer is
 * sent as `int_value`, any other number as `double_value`; a `bigint` is always `int_value`.
 */
export type AnyValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | null
  | readonly AnyValue[]
  | { readonly [key: string]: AnyValue };

/** Attributes of a resource, scope, data point or log record, keyed by name. */
export type Attributes = Record<string, AnyValue>;

/** The entity that produced the telemetry (a host, a service, an nginx instance). */
export interface Resource {
  attributes: Attributes;
  droppedAttributesCount?: number;
}

/** The library or component that produced the telemetry. */
export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

/** The signals a pipeline can carry. */
export type Signal = 'metrics' | 'logs';

/** All signals, in a stable order. */
export const SIGNALS: readonly Signal[] = ['metrics', 'logs'];
