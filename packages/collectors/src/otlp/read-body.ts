// Reads an HTTP request body with a size limit, then decompresses it with the same limit on what
// it decompresses to, so neither a huge upload nor a gzip bomb can make the receiver hold more
// than `limit` bytes. Web streams only (DecompressionStream), on Node, Deno and Bun alike.

import { RequestRefusal } from './ingest.ts';

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
  const raw = await readLimited(request.body, limit, () => tooLarge('The request body is larger', limit));
  if (coding === 'identity') return raw;
  const inflated = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(coding));
  try {
    return await readLimited(inflated, limit, () => tooLarge(`The ${coding} body decompresses to more`, limit));
  } catch (error) {
    if (error instanceof RequestRefusal) throw error;
    throw new RequestRefusal('invalid', `The ${coding} request body could not be decompressed.`);
  }
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
