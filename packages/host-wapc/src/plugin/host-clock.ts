// The `clock` host call's answer: unix nanoseconds as a msgpack uint64. Kept free of imports so a
// worker answers it locally, without a round trip to the pipeline's thread.

/** The current time in unix nanoseconds, microsecond resolution. */
export function unixNanos(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/** The answer of the `clock` host call: msgpack uint64 (0xcf, then 8 bytes big-endian). */
export function clockAnswer(): Uint8Array {
  const answer = new Uint8Array(9);
  answer[0] = 0xcf;
  new DataView(answer.buffer).setBigUint64(1, unixNanos(), false);
  return answer;
}
