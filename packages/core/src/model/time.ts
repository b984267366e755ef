const NANOS_PER_MILLI = 1_000_000n;

/** The current time as unix nanoseconds, with sub-millisecond precision where the runtime has it. */
export function nowUnixNano(): bigint {
  const millis = performance.timeOrigin + performance.now();
  const whole = Math.floor(millis);
  return BigInt(whole) * NANOS_PER_MILLI + BigInt(Math.round((millis - whole) * 1e6));
}

/** Converts unix milliseconds to unix nanoseconds. */
export function millisToUnixNano(millis: number): bigint {
  return BigInt(Math.round(millis)) * NANOS_PER_MILLI;
}

/** Converts unix nanoseconds to unix milliseconds. */
export function unixNanoToMillis(nanos: bigint): number {
  return Number(nanos / NANOS_PER_MILLI);
}
