// A Meter (the @opentelemetry/api interface) that keeps every measurement, so tests see exactly
// what a component recorded: name, value and attributes. Observable gauges are read on collect().

import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';

/** One recorded measurement. */
export interface Measurement {
  name: string;
  kind: 'counter' | 'histogram' | 'gauge';
  value: number;
  attributes: Attributes;
}

/** A meter that records into {@link RecordingMeter.measurements}. */
export class RecordingMeter {
  readonly measurements: Measurement[] = [];
  readonly #gauges: { name: string; callbacks: ((result: ObservableResult) => void)[] }[] = [];

  /** The meter to hand to the code under test. */
  get meter(): Meter {
    const record =
      (name: string, kind: Measurement['kind']) =>
      (value: number, attributes: Attributes = {}) =>
        this.measurements.push({ name, kind, value, attributes });
    const meter = {
      createCounter: (name: string) => ({ add: record(name, 'counter') }),
      createUpDownCounter: (name: string) => ({ add: record(name, 'counter') }),
      createHistogram: (name: string) => ({ record: record(name, 'histogram') }),
      createObservableGauge: (name: string) => {
        const gauge = { name, callbacks: [] as ((result: ObservableResult) => void)[] };
        this.#gauges.push(gauge);
        return {
          addCallback: (callback: (result: ObservableResult) => void) => void gauge.callbacks.push(callback),
          removeCallback: () => {},
        };
      },
    };
    return meter as unknown as Meter;
  }

  /** Reads every observable gauge once, recording what it reports. */
  collect(): void {
    for (const gauge of this.#gauges) {
      for (const callback of gauge.callbacks) {
        callback({
          observe: (value: number, attributes: Attributes = {}) =>
            void this.measurements.push({ name: gauge.name, kind: 'gauge', value, attributes }),
        });
      }
    }
  }

  /** The measurements of one instrument. */
  of(name: string): Measurement[] {
    return this.measurements.filter((measurement) => measurement.name === name);
  }
}
