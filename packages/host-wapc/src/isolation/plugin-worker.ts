// The entry of a plugin worker: one instance of one module, called by the pipeline's thread
// through the messages of worker-protocol.ts. A trapped instance is re-created (and its
// configure replayed) before the next call; a worker stuck in a call is terminated from outside.

import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { HOST_BINDING, HOST_NAMESPACE } from '../generated/contract.ts';
import { type CallOutcome, ContractHost, type GuestBridge } from '../plugin/contract-host.ts';
import { clockAnswer } from '../plugin/host-clock.ts';
import {
  type CallMessage,
  type HostAnswer,
  type InitMessage,
  sharedBufferFor,
  type WorkerMessage,
} from './worker-protocol.ts';

/** How long a host call may take before the guest sees a host error. */
const HOST_CALL_LIMIT_MS = 10_000;
const EMPTY = new Uint8Array(0);

if (!parentPort) throw new Error('plugin-worker runs only as a worker thread.');
const port = parentPort;
const post = (message: WorkerMessage) => port.postMessage(message);

let init: InitMessage | undefined;
let module: WebAssembly.Module | undefined;
let host: ContractHost | undefined;
let configuration: Uint8Array | undefined;
let control: Int32Array;

port.on('message', (message: InitMessage | CallMessage) => {
  if (message.type === 'init') void start(message);
  else void call(message);
});

async function start(message: InitMessage): Promise<void> {
  init = message;
  control = new Int32Array(message.control);
  configuration = message.configuration;
  try {
    module = await WebAssembly.compile(new Uint8Array(message.module, 0, message.moduleLength).slice());
    host = await instantiate();
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

async function instantiate(): Promise<ContractHost> {
  const fresh = await ContractHost.create(module as WebAssembly.Module, bridge(init as InitMessage));
  if (configuration) {
    const outcome = fresh.callSync('configure', configuration);
    if (!outcome.ok) throw new Error(`configure failed: ${outcome.message}`);
  }
  return fresh;
}

async function call(message: CallMessage): Promise<void> {
  const current = init as InitMessage;
  if (message.request) current.request = message.request;
  let restarted = false;
  if (!host) {
    try {
      host = await instantiate();
      restarted = true;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      post({ type: 'result', id: message.id, ok: false, kind: 'unavailable', message: text, restarted: false });
      return;
    }
  }
  const payload = new Uint8Array(current.request, 0, message.length);
  const outcome: CallOutcome = host.callSync(message.operation, payload);
  if (!outcome.ok) {
    if (outcome.kind === 'trap') host = undefined;
    post({ type: 'result', id: message.id, ok: false, kind: outcome.kind, message: outcome.message, restarted });
    return;
  }
  if (message.remember) configuration = payload.slice();
  const buffer = sharedBufferFor(current.response, outcome.bytes.length);
  new Uint8Array(buffer).set(outcome.bytes);
  const grown = buffer !== current.response;
  current.response = buffer;
  post({
    type: 'result',
    id: message.id,
    ok: true,
    length: outcome.bytes.length,
    restarted,
    ...(grown ? { response: buffer } : {}),
  });
}

function bridge(message: InitMessage): GuestBridge {
  return {
    clock: message.clock,
    output: (source, text) => post({ type: 'output', source, text }),
    hostCall(binding, namespace, operation, payload) {
      if (binding === HOST_BINDING && namespace === HOST_NAMESPACE) {
        if (operation === 'clock') return clockAnswer();
        if (operation === 'log' || operation === 'metric') {
          post({ type: 'notify', binding, namespace, operation, payload });
          return EMPTY;
        }
      }
      return askHost(message, { binding, namespace, operation, payload });
    },
  };
}

function askHost(message: InitMessage, request: Parameters<typeof message.hostPort.postMessage>[0]): Uint8Array {
  Atomics.store(control, 0, 0);
  message.hostPort.postMessage(request);
  if (Atomics.wait(control, 0, 0, HOST_CALL_LIMIT_MS) === 'timed-out') {
    throw new Error(`The host did not answer the host call within ${HOST_CALL_LIMIT_MS} ms.`);
  }
  // The answer was posted before the flag was set; allow the port a moment to deliver it.
  for (let attempt = 0; attempt < 100; attempt++) {
    const received = receiveMessageOnPort(message.hostPort);
    if (received) {
      const answer = received.message as HostAnswer;
      if (!answer.ok) throw new Error(answer.message);
      return answer.bytes;
    }
    Atomics.wait(control, 0, 1, 1);
  }
  throw new Error('The host answered the host call, but the answer never arrived.');
}
