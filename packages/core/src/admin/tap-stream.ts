// The body of `GET /tap/<id>`: newline-delimited JSON, one line per batch leaving the component,
// for as long as the client reads. A client that reads too slowly loses batches rather than
// slowing the pipeline down; the loss is announced in the stream as `{"tapDropped": N}`.

import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Taps } from '../pipeline/taps.ts';

/** Batches buffered for a slow reader before newer ones are dropped. */
const BUFFERED_BATCHES = 64;
/** An empty line this often keeps idle connections (and proxies, and Bun's idle timeout) open. */
const HEARTBEAT_MS = 5_000;

/** Encodes a batch as one JSON line: the default when no OTLP/JSON encoder is given. */
export function encodeModelJson(signal: Signal, batch: MetricsBatch | LogsBatch): string {
  return JSON.stringify({ signal, ...batch }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Uint8Array) return Array.from(value);
    return value;
  });
}

/** A streaming response that writes each batch leaving `id` until the client goes away. */
export function tapResponse(
  taps: Taps,
  id: string,
  encode: (signal: Signal, batch: MetricsBatch | LogsBatch) => string = encodeModelJson,
  aborted?: AbortSignal,
  onEnd: () => void = () => {},
): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // A first (blank) line makes every runtime send the headers now, not with the first batch.
        controller.enqueue(encoder.encode('\n'));
        let dropped = 0;
        const room = () => (controller.desiredSize ?? 0) > 0;
        const remove = taps.listen(id, (signal, batch) => {
          if (!room()) {
            dropped += 1;
            return;
          }
          let text: string;
          try {
            text = `${encode(signal, batch)}\n`;
          } catch (error) {
            text = `${JSON.stringify({ tapError: error instanceof Error ? error.message : String(error) })}\n`;
          }
          if (dropped > 0) {
            text = `${JSON.stringify({ tapDropped: dropped })}\n${text}`;
            dropped = 0;
          }
          controller.enqueue(encoder.encode(text));
        });
        const heartbeat = setInterval(() => {
          if (room()) controller.enqueue(encoder.encode('\n'));
        }, HEARTBEAT_MS);
        (heartbeat as { unref?: () => void }).unref?.();
        let stopped = false;
        stop = () => {
          if (stopped) return;
          stopped = true;
          clearInterval(heartbeat);
          remove();
          onEnd();
        };
        aborted?.addEventListener('abort', () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled.
          }
        });
      },
      cancel() {
        stop();
      },
    },
    new CountQueuingStrategy({ highWaterMark: BUFFERED_BATCHES }),
  );
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' },
  });
}
