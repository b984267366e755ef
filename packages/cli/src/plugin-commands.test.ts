// `wasmpipe plugin inspect` and `wasmpipe plugin test`, run as the built binary on the redact
// plugin (C) compiled from source.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REDACT_WASM, startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const METRICS = fixture('host-metrics.otlp.json');
const LOGS = fixture('access-log.otlp.json');

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-plugin-'));
});
after(() => rm(directory, { recursive: true, force: true }));

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

async function run(args: string[]) {
  const process = startWasmpipe(args);
  const code = await process.exited();
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

/** A valid module that imports WASI's path_open, which the host refuses. */
function moduleImportingPathOpen(): Uint8Array {
  const name = (text: string) => [text.length, ...new TextEncoder().encode(text)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(2, [1, ...name('wasi_snapshot_preview1'), ...name('path_open'), 0x00, 0]),
    ...section(5, [1, 0x01, 2, 16]), // memory: 2 pages, at most 16
    ...section(7, [1, ...name('memory'), 0x02, 0]),
  ]);
}

/** A logs plugin in C that describes and configures fine and traps on every batch. */
const TRAPPING_GUEST = `#include <stdint.h>
#define WAPC(name) __attribute__((import_module("wapc"), import_name(name)))
WAPC("__guest_request") void guest_request(uint8_t *operation, uint8_t *payload);
WAPC("__guest_response") void guest_response(const uint8_t *data, uint32_t length);
static uint8_t buffer[1 << 16];
__attribute__((export_name("__guest_call"))) int guest_call(uint32_t operation_length, uint32_t payload_length) {
  if (operation_length + payload_length > sizeof buffer) __builtin_trap();
  guest_request(buffer, buffer + operation_length);
  if (buffer[0] == 'd') {
    static const char answer[] = "\\x84\\xa4" "name" "\\xa4" "trap" "\\xa7" "version" "\\xa5" "0.0.1" "\\xaf" "contractVersion"
                                 "\\xa5" "0.2.0" "\\xa7" "signals" "\\x91\\xa4" "logs";
    guest_response((const uint8_t *)answer, sizeof answer - 1);
    return 1;
  }
  if (buffer[0] == 'c') { guest_response(buffer, 0); return 1; }
  __builtin_trap();
}
`;

function compileC(source: string, name: string): string | undefined {
  if (spawnSync('clang', ['--version']).status !== 0) {
    if (process.env.CI) throw new Error('clang is not installed; CI installs it (.ci/run).');
    return undefined;
  }
  const output = join(directory, `${name}.wasm`);
  const input = join(directory, `${name}.c`);
  writeFileSync(input, source);
  const result = spawnSync(
    'clang',
    ['--target=wasm32', '-O2', '-ffreestanding', '-nostdlib', '-Wl,--no-entry', '-o', output, input],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return output;
}

describe('wasmpipe plugin inspect', () => {
  it('prints imports, exports, describe, contract version, memory limits, toolchain and sha256', async () => {
    const sha256 = createHash('sha256')
      .update(await readFile(REDACT_WASM))
      .digest('hex');
    const text = await run(['plugin', 'inspect', REDACT_WASM]);
    assert.equal(text.code, 0, text.stderr);
    for (const expected of [
      new RegExp(`sha256 +${sha256}`),
      /describe +name redact, version \d+\.\d+\.\d+, signals metrics, logs/,
      /contract +0\.2\.0 \(this host speaks \d+\.\d+\.\d+: compatible\)/,
      /memory +\d+ page\(s\) \(\d+ KiB\) at start/,
      /built by +processed-by: .*clang/,
      /imports +wapc\.__\w+ \(function\)/,
      / +wapc\.__host_call \(function\)/,
      /exports +.*\n? *.*__guest_call \(function\)/,
      /problems +none/,
    ]) {
      assert.match(text.stdout, expected);
    }
    const json = await run(['plugin', 'inspect', REDACT_WASM, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.sha256, sha256);
    assert.equal(report.describe.name, 'redact');
    assert.deepEqual(report.describe.signals, ['metrics', 'logs']);
    assert.equal(report.contract.compatible, true);
    assert.equal(report.contract.plugin, report.describe.contractVersion);
    assert.ok(report.exports.some((entry: { name: string }) => entry.name === '__guest_call'));
    assert.ok(report.imports.every((entry: { module: string }) => entry.module === 'wapc'));
    assert.equal(report.memory[0].imported, false);
    assert.ok(report.memory[0].minimum >= 1);
    assert.deepEqual(report.problems, []);
  });

  it('lists why the host would refuse a module, with its declared memory limits, and exits 1', async () => {
    const refused = await run(['plugin', 'inspect', await file('wasi.wasm', moduleImportingPathOpen()), '--json']);
    assert.equal(refused.code, 1);
    const report = JSON.parse(refused.stdout);
    assert.deepEqual(report.memory, [
      { minimum: 2, maximum: 16, shared: false, imported: false, minimumBytes: 131_072, maximumBytes: 1_048_576 },
    ]);
    assert.equal(report.describe, null);
    assert.match(report.problems.join('\n'), /imports "wasi_snapshot_preview1\.path_open"/);
    assert.match(report.problems.join('\n'), /does not export the function "__guest_call"/);

    const text = await run(['plugin', 'inspect', await file('not.wasm', 'plain text')]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /problems +the file is not a WebAssembly module/);

    const truncated = await readFile(REDACT_WASM);
    const cut = await run(['plugin', 'inspect', await file('cut.wasm', truncated.subarray(0, 200))]);
    assert.equal(cut.code, 1);
    assert.match(cut.stdout, /problems +the module does not compile/);

    const absent = await run(['plugin', 'inspect', join(directory, 'absent.wasm')]);
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /Cannot read .*absent\.wasm/);
  });
});

describe('wasmpipe plugin test', () => {
  it('runs the plugin on OTLP/JSON records and prints what comes out as OTLP/JSON', async () => {
    const config = await file('redact.yaml', 'mode: mask\nmask: "<gone>"\n');
    const result = await run(['plugin', 'test', REDACT_WASM, '--input', LOGS, '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    const input = JSON.parse(await readFile(LOGS, 'utf8'));
    const [record] = output.resourceLogs[0].scopeLogs[0].logRecords;
    assert.deepEqual(record.body, { stringValue: 'GET /login?user=<gone>&token=<gone> HTTP/1.1 200' });
    assert.deepEqual(record.attributes[0], { key: 'client.address', value: { stringValue: '<gone>' } });
    // What the plugin leaves alone comes out exactly as it went in.
    const [original] = input.resourceLogs[0].scopeLogs[0].logRecords;
    assert.deepEqual(record.attributes.slice(3), original.attributes.slice(3));
    assert.deepEqual(output.resourceLogs[0].resource, input.resourceLogs[0].resource);
    assert.equal(record.timeUnixNano, original.timeUnixNano);
    assert.match(result.stderr, /Batch 1: 1 log records in, 1 out, 0 dropped/);
    assert.match(result.stderr, /Redact configured: masking\./, "the plugin's own log line");
  });

  it('without --config the plugin gets no config; several requests, one per line, give one line each', async () => {
    const one = JSON.stringify(JSON.parse(await readFile(METRICS, 'utf8')));
    const input = await file('two.ndjson', `${one}\n\n${one}\n`);
    const result = await run(['plugin', 'test', REDACT_WASM, '--input', input]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    // Host metrics hold no secrets: they come out unchanged.
    for (const line of lines) assert.deepEqual(JSON.parse(line), JSON.parse(one));
    assert.match(result.stderr, /Batch 2: 4 data points in, 4 out, 0 dropped/);
  });

  it('prints a batch the plugin fails on as an OTLP response rejecting it, goes on, and exits 1', async (context) => {
    const plugin = compileC(TRAPPING_GUEST, 'trapping');
    if (!plugin) return context.skip('clang is not installed');
    const one = JSON.stringify(JSON.parse(await readFile(LOGS, 'utf8')));
    const result = await run(['plugin', 'test', plugin, '--input', await file('logs.ndjson', `${one}\n${one}\n`)]);
    assert.equal(result.code, 1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(lines.length, 2, 'the second batch runs on a fresh instance');
    for (const line of lines) {
      assert.equal(line.partialSuccess.rejectedLogRecords, '1');
      assert.match(line.partialSuccess.errorMessage, /trapped in process_logs/);
    }
    assert.match(result.stderr, /Batch 1 \(1 log records\) failed: .*trapped/);
    assert.match(result.stderr, /Batch 2 \(1 log records\) failed: .*trapped/);
  });

  it('reports a configure error and bad input on stderr with exit 1', async () => {
    const badConfig = await file('bad.yaml', 'mode: scramble\n');
    const configure = await run(['plugin', 'test', REDACT_WASM, '--input', METRICS, '--config', badConfig]);
    assert.equal(configure.code, 1);
    assert.match(configure.stderr, /configure: Option "mode" must be "mask" or "hash"; got "scramble"/);
    assert.equal(configure.stdout, '');

    const notOtlp = await run(['plugin', 'test', REDACT_WASM, '--input', await file('x.json', '{"spans": []}')]);
    assert.equal(notOtlp.code, 1);
    assert.match(notOtlp.stderr, /neither an OTLP\/JSON ExportMetricsServiceRequest/);

    const wrongType = await file('wrong.json', '{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": 7}]}]}]}');
    const typed = await run(['plugin', 'test', REDACT_WASM, '--input', wrongType]);
    assert.equal(typed.code, 1);
    assert.match(
      typed.stderr,
      /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.name: expected a string, got number 7/,
    );

    const missingInput = await run(['plugin', 'test', REDACT_WASM]);
    assert.equal(missingInput.code, 2);
    assert.match(missingInput.stderr, /needs --input/);
  });
});
