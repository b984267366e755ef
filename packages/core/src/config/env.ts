import { joinPath, type Problem } from './problems.ts';
import { isPlainObject } from './schema.ts';

const REFERENCE = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${env:NAME}` (or `${env:NAME:-default}`) in every string of a decoded config, as the
 * Collector does; `$$` stands for a literal `$`. A variable that is unset and has no default is
 * a problem at the path of the string that names it. A string that is exactly one reference to a
 * number or boolean becomes that number or boolean, so `port: ${env:PORT}` is still an integer.
 */
export function substituteEnv(
  value: unknown,
  env: (name: string) => string | undefined,
  path: string,
  problems: Problem[],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, path, problems);
  if (Array.isArray(value))
    return value.map((item, index) => substituteEnv(item, env, joinPath(path, index), problems));
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      result[key] = substituteEnv(item, env, joinPath(path, key), problems);
    return result;
  }
  return value;
}

function substituteString(
  text: string,
  env: (name: string) => string | undefined,
  path: string,
  problems: Problem[],
): unknown {
  if (!text.includes('$')) return text;
  let whole = false;
  const replaced = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const found = env(name as string) ?? fallback;
    if (found === undefined) {
      problems.push({
        path,
        message: `environment variable ${name} is not set; set it or write \${env:${name}:-default}`,
      });
      return '';
    }
    whole = match === text;
    return found;
  });
  if (whole) {
    if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
    if (replaced === 'true' || replaced === 'false') return replaced === 'true';
  }
  return replaced;
}
