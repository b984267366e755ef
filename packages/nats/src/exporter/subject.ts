// The exporter's subject template, e.g. `wasmpipe.{signal}.{resource.host.name}`: literal subject
// tokens, the signal, and at most one resource attribute. Attribute values are sanitised into one
// subject token, so a host name with dots or spaces cannot add tokens or wildcards.
import type { Attributes, Signal } from '@wasmpipe/core';

const PLACEHOLDER = /\{([^{}]*)\}/g;
/** Characters kept in a token made from a value; anything else becomes `_`. */
const UNSAFE = /[^A-Za-z0-9_-]/g;

/** A parsed subject template. */
export interface SubjectTemplate {
  readonly source: string;
  /** The resource attribute named by `{resource.<name>}`, if any. */
  readonly attribute: string | undefined;
  /** The subject for a signal and, when the template names one, the attribute's value. */
  render(signal: Signal, attributes?: Attributes): string;
}

/** Turns any value into one safe NATS subject token (`_` for a missing or empty value). */
export function subjectToken(value: unknown): string {
  if (value === undefined || value === null) return '_';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const token = text.replace(UNSAFE, '_').slice(0, 128);
  return token === '' ? '_' : token;
}

/** Parses a template; returns the problems instead when it is not valid. */
export function parseSubjectTemplate(source: string): SubjectTemplate | { problems: string[] } {
  const problems: string[] = [];
  const attributes = new Set<string>();
  for (const match of source.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (name === 'signal') continue;
    if (name.startsWith('resource.') && name.length > 'resource.'.length)
      attributes.add(name.slice('resource.'.length));
    else problems.push(`unknown placeholder {${name}}; use {signal} or {resource.<attribute>}`);
  }
  if (attributes.size > 1) problems.push('may name at most one resource attribute');
  const literal = source.replace(PLACEHOLDER, 'x');
  if (/[{}]/.test(literal)) problems.push('has an unbalanced { or }');
  const tokens = literal.split('.');
  if (tokens.some((token) => token === '')) problems.push('has an empty token (a leading, trailing or double ".")');
  if (tokens.some((token) => /[\s*>]/.test(token))) problems.push('must not contain spaces or the wildcards * and >');
  for (const match of source.matchAll(PLACEHOLDER)) {
    const start = match.index ?? 0;
    const before = source[start - 1];
    const after = source[start + match[0].length];
    if ((before !== undefined && before !== '.') || (after !== undefined && after !== '.'))
      problems.push(`placeholder ${match[0]} must be a whole token, between dots`);
  }
  if (problems.length > 0) return { problems };
  const attribute = [...attributes][0];
  return {
    source,
    attribute,
    render(signal, resourceAttributes) {
      return source.replace(PLACEHOLDER, (_whole, name: string) =>
        name === 'signal' ? signal : subjectToken(resourceAttributes?.[attribute as string]),
      );
    },
  };
}

/** True when `subject` matches the NATS subject filter `filter` (`*` one token, `>` the rest). */
export function subjectMatches(filter: string, subject: string): boolean {
  const filterTokens = filter.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < filterTokens.length; index++) {
    const token = filterTokens[index];
    if (token === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[index]) return false;
  }
  return filterTokens.length === subjectTokens.length;
}
