// `wasmpipe plugin inspect PLUGIN.wasm`: what a plugin module is, before it runs in a pipeline:
// its imports and exports, declared memory limits, sha256, and its own describe answer.

import { errorMessage, type Platform } from '@wasmpipe/core';
import {
  CONTRACT_VERSION,
  checkModuleInterface,
  hasWasmMagic,
  isCompatibleContract,
  type PluginDescription,
  sha256Hex,
  WapcPlugin,
} from '@wasmpipe/host-wapc';
import { type MemoryLimits, readModuleSections, WASM_PAGE_BYTES } from '../plugin/module-sections.ts';

/** Everything `plugin inspect` reports, as printed by `--json`. */
export interface PluginReport {
  path: string;
  size: number;
  sha256: string;
  imports: { module: string; name: string; kind: string }[];
  exports: { name: string; kind: string }[];
  memory: (MemoryLimits & { minimumBytes: number; maximumBytes: number | null })[];
  producers: Record<string, string[]>;
  customSections: string[];
  describe: PluginDescription | null;
  contract: { plugin: string | null; host: string; compatible: boolean | null };
  /** Why the host would refuse the module, or why describe failed; empty when it loads. */
  problems: string[];
}

/** Builds the report of one module file; never throws for a bad module, it lists problems instead. */
export async function inspectPlugin(path: string, platform: Platform): Promise<PluginReport> {
  const bytes = await platform.readFile(path);
  const report: PluginReport = {
    path,
    size: bytes.length,
    sha256: await sha256Hex(bytes),
    imports: [],
    exports: [],
    memory: [],
    producers: {},
    customSections: [],
    describe: null,
    contract: { plugin: null, host: CONTRACT_VERSION, compatible: null },
    problems: [],
  };
  if (!hasWasmMagic(bytes)) {
    report.problems.push('the file is not a WebAssembly module (it does not start with "\\0asm")');
    return report;
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    report.problems.push(`the module does not compile: ${errorMessage(error)}`);
    return report;
  }
  report.imports = WebAssembly.Module.imports(module).map(({ module: from, name, kind }) => ({
    module: from,
    name,
    kind,
  }));
  report.exports = WebAssembly.Module.exports(module).map(({ name, kind }) => ({ name, kind }));
  try {
    const sections = readModuleSections(bytes);
    report.memory = sections.memories.map((limits) => ({
      ...limits,
      minimumBytes: limits.minimum * WASM_PAGE_BYTES,
      maximumBytes: limits.maximum === undefined ? null : limits.maximum * WASM_PAGE_BYTES,
    }));
    report.producers = sections.producers;
    report.customSections = sections.customSections;
  } catch (error) {
    report.problems.push(`the module's sections cannot be read: ${errorMessage(error)}`);
  }
  const interfaceProblems = checkModuleInterface(module);
  report.problems.push(...interfaceProblems);
  if (interfaceProblems.length > 0) return report;
  try {
    const plugin = await WapcPlugin.load(bytes);
    const description = await plugin.describe();
    report.describe = description;
    report.contract.plugin = description.contractVersion;
    report.contract.compatible = isCompatibleContract(description.contractVersion);
    if (!report.contract.compatible) {
      report.problems.push(
        `the plugin was built for contract ${description.contractVersion}; this host speaks ${CONTRACT_VERSION}`,
      );
    }
  } catch (error) {
    report.problems.push(errorMessage(error));
  }
  return report;
}

/** The report as lines of text for a person. */
export function formatReport(report: PluginReport): string[] {
  const lines = [`plugin     ${report.path}`, `size       ${report.size} bytes`, `sha256     ${report.sha256}`];
  if (report.describe) {
    const { name, version, signals } = report.describe;
    lines.push(`describe   name ${name}, version ${version}, signals ${signals.join(', ') || 'none'}`);
  }
  const { plugin, host, compatible } = report.contract;
  lines.push(
    plugin === null
      ? `contract   unknown (the plugin did not describe itself); this host speaks ${host}`
      : `contract   ${plugin} (this host speaks ${host}: ${compatible ? 'compatible' : 'incompatible'})`,
  );
  if (report.memory.length === 0) lines.push('memory     none declared');
  for (const memory of report.memory) lines.push(`memory     ${formatMemory(memory)}`);
  const producers = Object.entries(report.producers).map(([field, values]) => `${field}: ${values.join(', ')}`);
  if (producers.length > 0) lines.push(`built by   ${producers.join('; ')}`);
  lines.push(
    ...listed(
      'imports',
      report.imports.map(({ module, name, kind }) => `${module}.${name} (${kind})`),
    ),
  );
  lines.push(
    ...listed(
      'exports',
      report.exports.map(({ name, kind }) => `${name} (${kind})`),
    ),
  );
  lines.push(...listed('problems', report.problems));
  return lines;
}

function formatMemory(memory: PluginReport['memory'][number]): string {
  const minimum = `${memory.minimum} page(s) (${kibibytes(memory.minimumBytes)}) at start`;
  const maximum =
    memory.maximum === undefined
      ? 'no declared maximum (the host ceiling applies)'
      : `at most ${memory.maximum} page(s) (${kibibytes(memory.maximumBytes ?? 0)})`;
  return `${minimum}, ${maximum}${memory.imported ? ', imported' : ''}${memory.shared ? ', shared' : ''}`;
}

function kibibytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`;
}

function listed(label: string, items: string[]): string[] {
  if (items.length === 0) return [`${label.padEnd(10)} none`];
  return items.map((item, index) => `${(index === 0 ? label : '').padEnd(10)} ${item}`);
}
