import type { ComponentTelemetry, Counter } from '@wasmpipe/core';

/** The self-metrics of a tailer, named `wasmpipe.tail.*`. */
export interface TailCounters {
  lines: Counter;
  truncatedLines: Counter;
  invalidUtf8Lines: Counter;
  rotations: Counter;
  truncations: Counter;
  errors: Counter;
  checkpointErrors: Counter;
}

/** Counters on the component's telemetry, or local ones when there is none. */
export function createCounters(telemetry: ComponentTelemetry | undefined): TailCounters {
  const counter = (name: string): Counter => {
    if (telemetry) return telemetry.counter(name);
    let value = 0;
    return {
      add: (amount) => {
        if (amount > 0) value += amount;
      },
      get value() {
        return value;
      },
    };
  };
  return {
    lines: counter('wasmpipe.tail.lines'),
    truncatedLines: counter('wasmpipe.tail.truncated_lines'),
    invalidUtf8Lines: counter('wasmpipe.tail.invalid_utf8_lines'),
    rotations: counter('wasmpipe.tail.rotations'),
    truncations: counter('wasmpipe.tail.truncations'),
    errors: counter('wasmpipe.tail.errors'),
    checkpointErrors: counter('wasmpipe.tail.checkpoint_errors'),
  };
}
