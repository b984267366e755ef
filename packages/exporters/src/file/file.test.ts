import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type MetricsBatch, type Problem, WasmpipeError } from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson } from '../otlp/otlp-json.ts';
import { createTestContext, tinyLogsBatch, tinyMetricsBatch } from '../testing/create-context.ts';
import { sampleMetricsBatch } from '../testing/sample-batches.ts';
import { type FileConfig, fileConfig } from './config.ts';
import { FileExporter } from './exporter.ts';
import { backupName, backupsToDelete, isBackupOf } from './rotation.ts';

let root: string;
let counter = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmpipe-file-exporter-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function exporterFor(input: Record<string, unknown>, configDirectory = root): FileExporter {
  const problems: Problem[] = [];
  const config = fileConfig.parse(input, 'exporters.file', problems);
  assert.deepEqual(problems, []);
  const { context } = createTestContext('file');
  return new FileExporter(config as FileConfig, { ...context, configDirectory });
}

/** A one-point batch whose metric name carries a sequence number. */
function numbered(index: number): MetricsBatch {
  const batch = tinyMetricsBatch();
  const metric = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
  if (metric) metric.name = `m${String(index).padStart(4, '0')}`;
  return batch;
}

function namesIn(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line).resourceMetrics[0].scopeMetrics[0].metrics[0].name);
}

describe('file exporter', () => {
  test('writes one OTLP/JSON export request per line, metrics and logs alike', async () => {
    const directory = join(root, `plain-${++counter}`);
    const exporter = exporterFor({ path: `plain-${counter}/out.jsonl` });
    await exporter.start();
    await exporter.exportMetrics(sampleMetricsBatch());
    await exporter.exportLogs(tinyLogsBatch());
    await exporter.exportMetrics({ resourceMetrics: [] });
    await exporter.shutdown();
    const lines = (await readFile(join(directory, 'out.jsonl'), 'utf8')).split('\n');
    assert.equal(lines.length, 3, 'two lines and the final newline; an empty batch writes nothing');
    assert.deepEqual(
      JSON.parse(lines[0] as string),
      JSON.parse(JSON.stringify(metricsToOtlpJson(sampleMetricsBatch()))),
    );
    assert.deepEqual(JSON.parse(lines[1] as string), logsToOtlpJson(tinyLogsBatch()));
  });

  test('appends to an existing file after a restart', async () => {
    const path = join(root, `existing-${++counter}.jsonl`);
    await writeFile(path, '{"resourceMetrics":[]}\n');
    const exporter = exporterFor({ path });
    await exporter.exportMetrics(numbered(1));
    await exporter.shutdown();
    assert.equal((await readFile(path, 'utf8')).split('\n').length, 3);
  });

  test('rotates by size, keeps max_backups old files, and loses no line among those kept', async () => {
    const directory = join(root, `rotate-${++counter}`);
    const lineBytes = `${JSON.stringify(metricsToOtlpJson(numbered(0)))}\n`.length;
    const exporter = exporterFor({
      path: join(directory, 'out.jsonl'),
      rotation: { max_megabytes: (lineBytes * 5) / (1024 * 1024), max_backups: 2 },
    });
    for (let index = 0; index < 23; index++) await exporter.exportMetrics(numbered(index));
    await exporter.shutdown();
    const names = (await readdir(directory)).sort();
    const backups = names.filter((name) => name !== 'out.jsonl');
    assert.equal(backups.length, 2, `expected two backups, got ${names.join(', ')}`);
    assert.ok(backups.every((name) => /^out-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.jsonl$/.test(name)));
    const kept = [];
    for (const name of [...backups, 'out.jsonl']) kept.push(...namesIn(await readFile(join(directory, name), 'utf8')));
    // 23 lines, 5 per file: files hold 0-4, 5-9, 10-14, 15-19, 20-22; the two newest backups and the current file remain.
    assert.deepEqual(
      kept,
      Array.from({ length: 13 }, (_, index) => `m${String(index + 10).padStart(4, '0')}`),
    );
  });

  test('gzips rotated files; every line survives when max_backups is 0', async () => {
    const directory = join(root, `gzip-${++counter}`);
    const lineBytes = `${JSON.stringify(metricsToOtlpJson(numbered(0)))}\n`.length;
    const exporter = exporterFor({
      path: join(directory, 'metrics.jsonl'),
      rotation: { max_megabytes: (lineBytes * 4) / (1024 * 1024), max_backups: 0 },
      compression: 'gzip',
    });
    for (let index = 0; index < 10; index++) await exporter.exportMetrics(numbered(index));
    await exporter.shutdown();
    const names = (await readdir(directory)).sort();
    assert.deepEqual(
      names.map((name) => (name.endsWith('.gz') ? 'backup.gz' : name)),
      ['backup.gz', 'backup.gz', 'metrics.jsonl'],
    );
    const all = [];
    for (const name of names.filter((name) => name.endsWith('.gz'))) {
      all.push(...namesIn(gunzipSync(await readFile(join(directory, name))).toString()));
    }
    all.push(...namesIn(await readFile(join(directory, 'metrics.jsonl'), 'utf8')));
    assert.deepEqual(
      all,
      Array.from({ length: 10 }, (_, index) => `m${String(index).padStart(4, '0')}`),
    );
  });

  test('a path that cannot be written stops the start; a write error is permanent', async () => {
    const blocker = join(root, `blocker-${++counter}`);
    await writeFile(blocker, 'a file where a directory should be');
    const exporter = exporterFor({ path: join(blocker, 'out.jsonl') });
    await assert.rejects(exporter.start(), /EEXIST|ENOTDIR|exists|not a directory/i);
    try {
      await exporter.exportMetrics(numbered(1));
      assert.fail('expected the write to fail');
    } catch (error) {
      assert.ok(WasmpipeError.isInstance(error));
      assert.equal(error.retryable, false);
      assert.match(error.message, /^Writing to .*out\.jsonl failed: /);
    }
  });

  test('backup names sort oldest first and are recognised for pruning', () => {
    const first = backupName('out.jsonl', new Date('2024-05-01T10:20:30.123Z'));
    const second = backupName('out.jsonl', new Date('2024-05-01T10:20:31.000Z'));
    assert.equal(first, 'out-2024-05-01T10-20-30.123.jsonl');
    assert.ok(isBackupOf('out.jsonl', `${first}.gz`));
    assert.ok(!isBackupOf('out.jsonl', 'out-notes.jsonl'));
    assert.ok(!isBackupOf('out.jsonl', 'other-2024-05-01T10-20-30.123.jsonl'));
    assert.deepEqual(backupsToDelete('out.jsonl', [second, 'out.jsonl', `${first}.gz`, 'unrelated'], 1), [
      `${first}.gz`,
    ]);
  });
});
