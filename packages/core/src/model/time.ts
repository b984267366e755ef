const NANOS_PER_MILLI = 1_000_000n;

/** The current time as unix nanoseconds, with sub-millisecond precision where the runtime has it. */
export function nowUnixNano(): bigint {
  const millis = performance.timeOrigin + performance.now();
  const whole = Math.floor(millis);
  return BigInt(whole) * NANOS_PER_MILLI + BigInt(Math.round((millis - whole) * 1e6));
}
