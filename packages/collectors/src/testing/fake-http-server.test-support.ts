// A real HTTP server on a free loopback port whose answers a test sets, for bad-input tests. Not
// part of the public entry.
import { getPlatform, type HttpServer } from '@wasmpipe/core';

/** What the fake server answers for one request. */
export interface FakeAnswer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMillis?: number;
}

/** A running fake server: its URL, the requests it got, and the answer a test can swap. */
export interface FakeServer {
  readonly url: string;
  readonly port: number;
  /** Paths requested, in order, with their Host header. */
  readonly requests: { path: string; host: string | null; headers: Record<string, string> }[];
  /** The answer by path; a path not in the map gets 404. */
  answers: Map<string, FakeAnswer | (() => FakeAnswer)>;
  close(): Promise<void>;
}

/** Starts a fake server on 127.0.0.1 and a free port. */
export async function startFakeServer(
  answers: Record<string, FakeAnswer | (() => FakeAnswer)> = {},
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const map = new Map(Object.entries(answers));
  let server: HttpServer | undefined;
  const fake: FakeServer = {
    get url() {
      return `http://127.0.0.1:${server?.port}`;
    },
    get port() {
      return server?.port ?? 0;
    },
    requests,
    answers: map,
    close: () => server?.close() ?? Promise.resolve(),
  };
  server = await getPlatform().serve({ hostname: '127.0.0.1', port: 0 }, async (request) => {
    const url = new URL(request.url);
    requests.push({
      path: url.pathname + url.search,
      host: request.headers.get('host'),
      headers: Object.fromEntries(request.headers),
    });
    const entry = fake.answers.get(url.pathname);
    const answer = typeof entry === 'function' ? entry() : entry;
    if (!answer) return new Response('not found\n', { status: 404 });
    if (answer.delayMillis) await new Promise((resolve) => setTimeout(resolve, answer.delayMillis));
    return new Response(answer.body ?? '', { status: answer.status ?? 200, headers: answer.headers ?? {} });
  });
  return fake;
}
