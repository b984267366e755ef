// Reads contracts/wasmpipe.apexlang with @apexlang/core into a small model the generators walk:
// the version, the enums, the tuple and map types with their wire kinds, and the operations of
// the plugin and host interfaces. Everything a generator needs is resolved here (aliases
// expanded, directives read), so the emitters stay plain string building.

import { readFileSync } from 'node:fs';
import { parse, validate } from '@apexlang/core';
import { CommonRules } from '@apexlang/core/src/rules.js';

/** Where the IDL lives, relative to this file. */
export const IDL_URL = new URL('../wasmpipe.apexlang', import.meta.url);

/** A resolved type reference. */
export type TypeRef =
  | { kind: 'primitive'; name: PrimitiveName; alias?: string }
  | { kind: 'any'; alias?: string }
  | { kind: 'list'; of: TypeRef }
  | { kind: 'map'; key: TypeRef; value: TypeRef; alias?: string }
  | { kind: 'optional'; of: TypeRef }
  | { kind: 'type'; name: string }
  | { kind: 'enum'; name: string };

export type PrimitiveName = 'string' | 'bool' | 'bytes' | 'u8' | 'u32' | 'u64' | 'i32' | 'i64' | 'f64';

/** How a field travels, after its directives. */
export type WireForm = 'plain' | 'packed' | 'bitmap' | 'embedded' | 'stringTable';

export interface FieldModel {
  name: string;
  index: number;
  description: string | undefined;
  type: TypeRef;
  optional: boolean;
  form: WireForm;
  /** @valueOf: the enclosing metric types (enum display names) this column belongs to. */
  valueOf: string[] | undefined;
}

export interface TypeModel {
  name: string;
  description: string | undefined;
  tuple: boolean;
  /** Every list field has `count` elements (the type's first field). */
  columns: boolean;
  fields: FieldModel[];
}

export interface EnumModel {
  name: string;
  values: { name: string; index: number; display: string }[];
}

export interface OperationModel {
  name: string;
  description: string | undefined;
  parameters: { name: string; type: TypeRef; optional: boolean }[];
  returns: TypeRef | undefined;
}

export interface ContractModel {
  namespace: string;
  version: string;
  oldestCompatible: string;
  types: TypeModel[];
  enums: EnumModel[];
  plugin: OperationModel[];
  host: OperationModel[];
}

const PRIMITIVES = new Set<string>(['string', 'bool', 'bytes', 'u8', 'u32', 'u64', 'i32', 'i64', 'f64']);
const FORMS = new Map<string, WireForm>([
  ['packed', 'packed'],
  ['bitmap', 'bitmap'],
  ['embedded', 'embedded'],
  ['stringTable', 'stringTable'],
]);

// The subset of the Apex AST this reader touches.
interface Node {
  kind: string;
  name?: { value: string };
  value?: string;
  description?: { value: string };
  annotations?: Annotation[];
  type?: Node;
  keyType?: Node;
  valueType?: Node;
  fields?: Node[];
  parameters?: Node[];
  operations?: Node[];
  values?: Node[];
  index?: { value: number };
  display?: { value: string };
}
interface Annotation {
  name: { value: string };
  arguments: { name: { value: string }; value: { value: unknown } }[];
}

/** Parses, validates and resolves the contract; throws with every Apex validation error. */
export function readContract(source: string = readFileSync(IDL_URL, 'utf8')): ContractModel {
  const document = parse(source, undefined, { noLocation: true, noSource: true });
  const errors = validate(document, ...CommonRules);
  if (errors.length > 0) {
    throw new Error(`contracts/wasmpipe.apexlang is invalid:\n${errors.map((error) => error.message).join('\n')}`);
  }
  const definitions = document.definitions as unknown as Node[];
  const named = (kind: string) => definitions.filter((definition) => definition.kind === kind);
  const aliases = new Map(named('AliasDefinition').map((alias) => [alias.name?.value ?? '', alias.type as Node]));
  const enumNames = new Set(named('EnumDefinition').map((definition) => definition.name?.value ?? ''));
  const typeNames = new Set(named('TypeDefinition').map((definition) => definition.name?.value ?? ''));

  const resolve = (node: Node, alias?: string): TypeRef => {
    switch (node.kind) {
      case 'Optional':
        return { kind: 'optional', of: resolve(node.type as Node) };
      case 'ListType':
        return { kind: 'list', of: resolve(node.type as Node) };
      case 'MapType': {
        const map: TypeRef = {
          kind: 'map',
          key: resolve(node.keyType as Node),
          value: resolve(node.valueType as Node),
        };
        return alias ? { ...map, alias } : map;
      }
      case 'Named': {
        const name = node.name?.value ?? '';
        if (name === 'any') return alias ? { kind: 'any', alias } : { kind: 'any' };
        if (PRIMITIVES.has(name)) {
          return alias
            ? { kind: 'primitive', name: name as PrimitiveName, alias }
            : { kind: 'primitive', name: name as PrimitiveName };
        }
        const aliased = aliases.get(name);
        if (aliased) return resolve(aliased, name);
        if (enumNames.has(name)) return { kind: 'enum', name };
        if (typeNames.has(name)) return { kind: 'type', name };
        throw new Error(`contracts/wasmpipe.apexlang: unknown type "${name}".`);
      }
      default:
        throw new Error(`contracts/wasmpipe.apexlang: unsupported type node ${node.kind}.`);
    }
  };

  const namespace = named('NamespaceDefinition')[0] as Node;
  const versionArguments = annotation(namespace, 'version')?.arguments ?? [];
  const argument = (name: string) => versionArguments.find((entry) => entry.name.value === name)?.value.value;
  const version = argument('value');
  const oldestCompatible = argument('oldestCompatible');
  if (typeof version !== 'string' || typeof oldestCompatible !== 'string') {
    throw new Error(
      'contracts/wasmpipe.apexlang: the namespace needs @version(value: "...", oldestCompatible: "...").',
    );
  }

  const types = named('TypeDefinition').map((definition): TypeModel => {
    const fields = (definition.fields ?? []).map((field, index): FieldModel => {
      const type = resolve(field.type as Node);
      const forms = (field.annotations ?? []).flatMap((entry) => FORMS.get(entry.name.value) ?? []);
      if (forms.length > 1) throw new Error(`${definition.name?.value}.${field.name?.value}: one wire form at most.`);
      return {
        name: field.name?.value ?? '',
        index,
        description: field.description?.value,
        type,
        optional: type.kind === 'optional',
        form: forms[0] ?? 'plain',
        valueOf: valueOfTypes(field),
      };
    });
    return {
      name: definition.name?.value ?? '',
      description: definition.description?.value,
      tuple: annotation(definition, 'tuple') !== undefined,
      columns: annotation(definition, 'columns') !== undefined,
      fields,
    };
  });

  const enums = named('EnumDefinition').map(
    (definition): EnumModel => ({
      name: definition.name?.value ?? '',
      values: (definition.values ?? []).map((value) => ({
        name: value.name?.value ?? '',
        index: value.index?.value ?? 0,
        display: value.display?.value ?? value.name?.value ?? '',
      })),
    }),
  );

  const interfaceWith = (directive: string): OperationModel[] => {
    const found = named('InterfaceDefinition').find((definition) => annotation(definition, directive));
    if (!found) throw new Error(`contracts/wasmpipe.apexlang: no interface marked @${directive}.`);
    return (found.operations ?? []).map((operation) => {
      const returns = operation.type as Node | undefined;
      const resolved =
        returns && !(returns.kind === 'Named' && returns.name?.value === 'void') ? resolve(returns) : undefined;
      return {
        name: operation.name?.value ?? '',
        description: operation.description?.value,
        parameters: (operation.parameters ?? []).map((parameter) => {
          const type = resolve(parameter.type as Node);
          return { name: parameter.name?.value ?? '', type, optional: type.kind === 'optional' };
        }),
        returns: resolved,
      };
    });
  };

  return {
    namespace: namespace.name?.value ?? '',
    version,
    oldestCompatible,
    types,
    enums,
    plugin: interfaceWith('service'),
    host: interfaceWith('provider'),
  };
}

function valueOfTypes(field: Node): string[] | undefined {
  const found = annotation(field, 'valueOf');
  if (!found) return undefined;
  const list = found.arguments.find((entry) => entry.name.value === 'types')?.value.value;
  if (!Array.isArray(list)) throw new Error(`${field.name?.value}: @valueOf needs types: [string].`);
  return list.map((item: { value: unknown }) => String(item.value));
}

function annotation(node: Node, name: string): Annotation | undefined {
  return node.annotations?.find((entry) => entry.name.value === name);
}

/** The type inside an optional, or the type itself. */
export function required(type: TypeRef): TypeRef {
  return type.kind === 'optional' ? type.of : type;
}

/** Finds a type of the contract by name; throws when it is missing (a generator depends on it). */
export function typeNamed(model: ContractModel, name: string): TypeModel {
  const found = model.types.find((type) => type.name === name);
  if (!found) throw new Error(`contracts/wasmpipe.apexlang has no type ${name}.`);
  return found;
}
