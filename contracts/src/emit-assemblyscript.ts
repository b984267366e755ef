import type { ContractModel } from './idl.ts';

/** Every generated AssemblyScript file, by path relative to the SDK's assembly/generated/. */
export function emitAssemblyScript(model: ContractModel): Map<string, string> {
  void model;
  return new Map();
}
