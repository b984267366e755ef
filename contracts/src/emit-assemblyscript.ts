// Emits the AssemblyScript guest bindings into plugins/sdk-assemblyscript/assembly/generated/:
// the contract's constants (version, enum codes, tuple field positions, operation names) and one
// typed function per host call that encodes its payload and decodes its answer. The SDK's
// hand-written half (the batch model, the answer writer) reads the batch with these positions.

import { header, selectorCodes } from './emit-typescript.ts';
import { type ContractModel, type OperationModel, required, type TypeRef } from './idl.ts';

/** Every generated AssemblyScript file, by path relative to the SDK's assembly/generated/. */
export function emitAssemblyScript(model: ContractModel): Map<string, string> {
  return new Map([
    ['contract.ts', emitConstants(model)],
    ['host-calls.ts', emitHostCalls(model)],
  ]);
}

function emitConstants(model: ContractModel): string {
  const lines = [
    header('//', 'Contract constants for guests: version, enum codes, operation names, tuple field positions.'),
  ];
  lines.push(`/** The contract version this SDK builds plugins for (what \`describe\` reports). */
export const CONTRACT_VERSION: string = '${model.version}';

/** The oldest contract version a host of this version runs. */
export const OLDEST_COMPATIBLE_CONTRACT: string = '${model.oldestCompatible}';

/** The waPC binding and namespace of the host calls. */
export const HOST_BINDING: string = 'wasmpipe';
export const HOST_NAMESPACE: string = 'v0';
`);
  for (const operation of model.plugin) {
    lines.push(`export const OPERATION_${operation.name.toUpperCase()}: string = '${operation.name}';`);
  }
  lines.push('');
  for (const enumeration of model.enums) {
    lines.push(`/** ${enumeration.name} codes. */
export namespace ${enumeration.name} {
${enumeration.values.map((value) => `  export const ${value.name}: u8 = ${value.index};`).join('\n')}
}
`);
  }
  for (const type of model.types.filter((candidate) => candidate.tuple)) {
    lines.push(`/** Positions of ${type.name}'s fields in its tuple; COUNT is how many this version knows. */
export namespace ${type.name}Field {
${type.fields.map((field) => `  export const ${field.name}: i32 = ${field.index};`).join('\n')}
  export const COUNT: i32 = ${type.fields.length};
}
`);
    const selected = type.fields.filter((field) => field.valueOf);
    for (const field of selected) {
      const { codes } = selectorCodes(model, field);
      lines.push(`/** True when ${type.name}.${field.name} is the value column of a metric of type \`code\`. */
export function ${type.name.charAt(0).toLowerCase()}${type.name.slice(1)}Has${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}(code: u8): bool {
  return ${codes.map((code) => `code == ${code}`).join(' || ')};
}
`);
    }
  }
  return lines.join('\n');
}

function guestType(ref: TypeRef): string {
  const inner = required(ref);
  switch (inner.kind) {
    case 'primitive':
      switch (inner.name) {
        case 'string':
          return 'string';
        case 'bool':
          return 'bool';
        case 'bytes':
          return 'ArrayBuffer';
        case 'f64':
          return 'f64';
        case 'u64':
          return 'u64';
        case 'i64':
          return 'i64';
        case 'i32':
          return 'i32';
        default:
          return 'u32';
      }
    case 'enum':
      return 'u8';
    default:
      // any and maps travel pre-encoded: the caller hands their msgpack bytes.
      return 'ArrayBuffer | null';
  }
}

function writeParameter(ref: TypeRef, name: string): string[] {
  const inner = required(ref);
  switch (inner.kind) {
    case 'primitive':
      switch (inner.name) {
        case 'string':
          return [`writer.writeString(${name});`];
        case 'bool':
          return [`writer.writeBool(${name});`];
        case 'bytes':
          return [`writer.writeBinary(changetype<usize>(${name}), ${name}.byteLength);`];
        case 'f64':
          return [`writer.writeFloat64(${name});`];
        case 'i64':
        case 'i32':
          return [`writer.writeInt(<i64>${name});`];
        default:
          return [`writer.writeUint(<u64>${name});`];
      }
    case 'enum':
      return [`writer.writeUint(<u64>${name});`];
    default:
      return [
        `if (${name} == null) writer.writeNil();`,
        `else writer.writeRaw(changetype<usize>(${name}), (<ArrayBuffer>${name}).byteLength);`,
      ];
  }
}

function emitHostCall(operation: OperationModel): string {
  const name = `call${operation.name.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}`;
  const parameters = operation.parameters.map((parameter) => `${parameter.name}: ${guestType(parameter.type)}`);
  const body: string[] = [];
  if (operation.parameters.length === 0) {
    body.push('const payload = new ArrayBuffer(0);');
  } else {
    body.push('const writer = new Writer(64);');
    if (operation.parameters.length === 1) {
      const [parameter] = operation.parameters as [OperationModel['parameters'][number]];
      body.push(...writeParameter(parameter.type, parameter.name));
    } else {
      const optional = operation.parameters.filter((parameter) => parameter.optional);
      const fixed = operation.parameters.length - optional.length;
      body.push(
        `writer.writeMapHeader(${[String(fixed), ...optional.map((parameter) => `(${parameter.name} != null ? 1 : 0)`)].join(' + ')});`,
      );
      for (const parameter of operation.parameters) {
        const write = [`writer.writeString('${parameter.name}');`, ...writeParameter(parameter.type, parameter.name)];
        if (parameter.optional) body.push(`if (${parameter.name} != null) {`, ...write.map((line) => `  ${line}`), '}');
        else body.push(...write);
      }
    }
    body.push('const payload = writer.finish();');
  }
  body.push(`const answer = call('${operation.name}', payload);`);
  let returns = 'bool';
  const result = operation.returns ? required(operation.returns) : undefined;
  if (!result) {
    body.push('return answer != null;');
  } else if (result.kind === 'primitive' && result.name === 'bytes') {
    returns = 'ArrayBuffer | null';
    body.push(
      'if (answer == null) return null;',
      'const reader = Reader.over(answer);',
      'if (reader.readNil()) return null;',
      'const length = reader.readBinHeader();',
      "if (length < 0) return fail('the host answered a value that is not bytes');",
      'const value = new ArrayBuffer(length);',
      'memory.copy(changetype<usize>(value), reader.dataPtr, <usize>length);',
      'return value;',
    );
  } else if (result.kind === 'primitive' && result.name === 'u64') {
    returns = 'u64';
    body.push(
      'if (answer == null) return 0;',
      'const reader = Reader.over(answer);',
      'const value = reader.readUint();',
      "if (reader.failed) fail('the host answered a value that is not an unsigned integer');",
      'return value;',
    );
  } else {
    throw new Error(`${operation.name}: no AssemblyScript binding for its result.`);
  }
  const doc = (operation.description ?? '').split('\n')[0];
  return `/** ${doc} */
export function ${name}(${parameters.join(', ')}): ${returns} {
${body.map((line) => `  ${line}`).join('\n')}
}
`;
}

function emitHostCalls(model: ContractModel): string {
  return [
    header(
      '//',
      'Host calls: one function per operation of the Host interface; payloads are encoded as the contract says.',
    ),
    `import { hostCall } from '@wapc/as-guest';
import { Reader, Writer } from '../msgpack';
import { HOST_BINDING, HOST_NAMESPACE } from './contract';

let lastError: string = '';

/** The message of the last host call that failed ('' when the last one succeeded). */
export function lastHostCallError(): string {
  return lastError;
}

function call(operation: string, payload: ArrayBuffer): ArrayBuffer | null {
  const result = hostCall(HOST_BINDING, HOST_NAMESPACE, operation, payload);
  if (!result.isOk) {
    const error = result.error();
    lastError = error != null ? error.message : 'the host call failed';
    return null;
  }
  lastError = '';
  return result.get();
}

function fail(message: string): null {
  lastError = message;
  return null;
}
`,
    ...model.host.map(emitHostCall),
  ].join('\n');
}
