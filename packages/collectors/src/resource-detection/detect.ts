import type { Attributes } from '@wasmpipe/core';
import type { HostFiles } from '../host-metrics/host-files.ts';

/** The detectors, named as in the contrib `resourcedetection` processor. */
export const DETECTORS = ['env', 'system'] as const;

/** One detector: `env` reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME; `system` the host. */
export type Detector = (typeof DETECTORS)[number];

/** What detection reads: the host's files (under `root_path`) and the environment. */
export interface DetectionSources {
  files: HostFiles;
  env(name: string): string | undefined;
  /** The machine name `uname -m` prints, for kernels without `/proc/sys/kernel/arch`. */
  machine?(): string;
}

/**
 * Runs the detectors in order and merges what they find; when two find the same attribute the
 * first wins, as in the contrib processor. A detector that finds nothing adds nothing.
 */
export function detectResource(detectors: readonly Detector[], sources: DetectionSources): Attributes {
  const merged: Attributes = {};
  for (const detector of detectors) {
    const found = detector === 'env' ? detectEnvironment(sources.env) : detectSystem(sources);
    for (const [key, value] of Object.entries(found)) if (!(key in merged)) merged[key] = value;
  }
  return merged;
}

/**
 * The `env` detector: the attributes of OTEL_RESOURCE_ATTRIBUTES, and `service.name` from
 * OTEL_SERVICE_NAME, which takes precedence over a `service.name` in the former (OTel SDK spec).
 */
export function detectEnvironment(env: (name: string) => string | undefined): Attributes {
  const attributes = parseResourceAttributes(env('OTEL_RESOURCE_ATTRIBUTES') ?? '');
  const serviceName = env('OTEL_SERVICE_NAME')?.trim();
  if (serviceName) attributes['service.name'] = serviceName;
  return attributes;
}

/**
 * Parses OTEL_RESOURCE_ATTRIBUTES: `key1=value1,key2=value2`, keys and values percent-encoded
 * (W3C Baggage octets). Pairs without `=` or with an empty key are skipped, as the SDKs do; a
 * value that is not valid percent-encoding is kept as written.
 */
export function parseResourceAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const key = decode(pair.slice(0, equals).trim());
    if (key === '') continue;
    attributes[key] = decode(pair.slice(equals + 1).trim());
  }
  return attributes;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The `system` detector: `host.name` (the kernel's hostname), `host.id` (`/etc/machine-id`, else
 * `/var/lib/dbus/machine-id`), `host.arch`, `os.type`, `os.description`, `os.name`, `os.version`
 * (`/etc/os-release`). Files that cannot be read leave their attributes out.
 */
export function detectSystem(sources: DetectionSources): Attributes {
  const { files } = sources;
  const read = (path: string): string | undefined => {
    try {
      return files.readText(path).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const attributes: Attributes = {};
  const hostName = read('/proc/sys/kernel/hostname');
  if (hostName) attributes['host.name'] = hostName;
  const hostId = read('/etc/machine-id') ?? read('/var/lib/dbus/machine-id');
  if (hostId) attributes['host.id'] = hostId;
  const machine = read('/proc/sys/kernel/arch') ?? sources.machine?.();
  if (machine) attributes['host.arch'] = hostArch(machine);
  attributes['os.type'] = 'linux';
  const release = parseOsRelease(read('/etc/os-release') ?? read('/usr/lib/os-release') ?? '');
  const kernel = read('/proc/sys/kernel/osrelease');
  const description = [release['PRETTY_NAME'], kernel ? `(Linux ${kernel})` : undefined].filter(Boolean).join(' ');
  if (description) attributes['os.description'] = description;
  if (release['NAME']) attributes['os.name'] = release['NAME'];
  if (release['VERSION_ID']) attributes['os.version'] = release['VERSION_ID'];
  return attributes;
}

/** Maps a `uname -m` machine name to the semantic conventions' `host.arch` values. */
export function hostArch(machine: string): string {
  if (machine === 'x86_64' || machine === 'amd64' || machine === 'x64') return 'amd64';
  if (machine === 'aarch64' || machine === 'arm64') return 'arm64';
  if (/^arm/.test(machine)) return 'arm32';
  if (/^i[3-6]86$/.test(machine) || machine === 'ia32') return 'x86';
  if (machine.startsWith('ppc64')) return 'ppc64';
  if (machine === 'ppc') return 'ppc32';
  return machine;
}

/** Parses `/etc/os-release`: `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2] as string;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    fields[match[1] as string] = value;
  }
  return fields;
}
