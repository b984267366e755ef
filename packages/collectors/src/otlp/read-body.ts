// Reads an HTTP request body with a size limit, then decompresses it with the same limit on what
// it decompresses to, so neither a huge upload nor a gzip bomb can make the receiver hold more
// than `limit` bytes. Web streams only (DecompressionStream), on Node, Deno and Bun alike.

import { RequestRefusal } from './ingest.ts';

/** Compressed input is handed to the decompressor in slices of 1 KiB to 64 KiB (see `slices`). */
const MIN_SLICE = 1024;
const MAX_SLICE = 64 * 1024;

/** The content codings the receiver accepts. */
export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** Maps a Content-Encoding header to a coding; undefined for one the receiver does not support. */
export function contentCoding(header: string | null): ContentCoding | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

/** Reads and decompresses a request body; refuses with `too_large` past `limit`, `invalid` when corrupt. */
export async function readBody(request: Request, coding: ContentCoding, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(`The request body is ${declared} bytes`, limit);
  if (request.body === null) return new Uint8Array(0);
  let raw: Uint8Array;
  try {
    raw = await readLimited(request.body, limit, () => tooLarge('The request body is larger', limit));
  } catch (error) {
    if (error instanceof RequestRefusal) throw error;
    throw new RequestRefusal('invalid', 'The request body ended before it was complete.');
  }
  if (coding === 'identity') return raw;
  // What one slice can inflate to stays under a quarter of the limit.
  const slice = Math.min(MAX_SLICE, Math.max(MIN_SLICE, Math.floor(limit / 4096)));
  const inflated = slices(raw, slice).pipeThrough(new DecompressionStream(coding));
  try {
    return await readLimited(inflated, limit, () => tooLarge(`The ${coding} body decompresses to more`, limit));
  } catch (error) {
    if (error instanceof RequestRefusal) throw error;
    throw new RequestRefusal('invalid', `The ${coding} request body could not be decompressed.`);
  }
}

/**
 * The compressed bytes as a pull stream of small slices. A decompressor may inflate each chunk it
 * is given in one go (Deno's does, whatever the reader's pace), so the slice size bounds what one
 * step can produce: deflate's ratio tops out near 1032:1.
 */
function slices(bytes: Uint8Array, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let offset = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        const end = Math.min(bytes.length, offset + size);
        controller.enqueue(bytes.slice(offset, end));
        offset = end;
      },
    },
    { highWaterMark: 0 },
  );
}

function tooLarge(what: string, limit: number): RequestRefusal {
  return new RequestRefusal('too_large', `${what} than max_request_body_size (${limit} bytes).`);
}

/** Reads a stream to its end into one array; cancels it and throws `refusal()` once it passes `limit`. */
async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  refusal: () => RequestRefusal,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw refusal();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
