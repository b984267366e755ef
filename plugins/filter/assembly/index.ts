// The filter plugin's waPC entry: it registers the contract's operations and exports
// `__guest_call`. Operations and their payloads are defined in contracts/wasmpipe.apexlang.

import { handleAbort, handleCall, register, Result } from '@wapc/as-guest';
import { configure, selectMetrics } from './filter';
import { MsgpackWriter } from './msgpack-writer';

const NAME = 'filter';
const VERSION = '0.1.0';
const CONTRACT_VERSION = '0.1.0';

function describe(_payload: ArrayBuffer): Result<ArrayBuffer> {
  const writer = new MsgpackWriter();
  writer.writeMapHeader(4);
  writer.writeString('name');
  writer.writeString(NAME);
  writer.writeString('version');
  writer.writeString(VERSION);
  writer.writeString('contractVersion');
  writer.writeString(CONTRACT_VERSION);
  writer.writeString('signals');
  writer.writeArrayHeader(1);
  writer.writeString('metrics');
  return Result.ok<ArrayBuffer>(writer.finish());
}

function configureOperation(payload: ArrayBuffer): Result<ArrayBuffer> {
  const problem = configure(payload);
  if (problem.length > 0) return Result.error<ArrayBuffer>(new Error(problem));
  return Result.ok<ArrayBuffer>(new ArrayBuffer(0));
}

function processMetrics(payload: ArrayBuffer): Result<ArrayBuffer> {
  const answer = selectMetrics(payload);
  if (answer === null) return Result.error<ArrayBuffer>(new Error('The metrics batch is not valid msgpack in the contract layout.'));
  return Result.ok<ArrayBuffer>(answer);
}

register('describe', describe);
register('configure', configureOperation);
register('process_metrics', processMetrics);

/** The waPC entry point the host calls once per operation. */
export function __guest_call(operationSize: usize, payloadSize: usize): bool {
  return handleCall(operationSize, payloadSize);
}

/** Reports an AssemblyScript abort as a guest error before the trap that follows it. */
function abort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  handleAbort(message, fileName, lineNumber, columnNumber);
  unreachable();
}
