import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { PIDS, processTree } from '../../../process/procfs/fixture-tree.test-support.ts';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue } from '../../test-helpers.ts';
import { processesScraperConfig } from './metadata.ts';
import { parseStatCounters } from './parse-stat-counters.ts';
import { createProcessesScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const TIME = 1_700_000_100_000_000_000n;

describe('processes scraper', () => {
  it('reads the process counters of /proc/stat', () => {
    const { files } = processTree();
    assert.deepEqual(parseStatCounters(files['stat']!), { created: 98765, running: 3, blocked: 1 });
    assert.throws(() => parseStatCounters('cpu 1 2 3\n'), /No processes line in \/proc\/stat/);
  });

  it('counts processes by state and reports forks since boot', async () => {
    const { files, host } = processTree();
    // One of the five is a zombie, one is in disk sleep.
    files[`/proc/${PIDS.odd}/stat`] = files[`/proc/${PIDS.odd}/stat`]!.replace(') S ', ') Z ');
    files[`/proc/${PIDS.long}/stat`] = files[`/proc/${PIDS.long}/stat`]!.replace(') S ', ') D ');
    const { environment } = fixtureEnvironment(files, BOOT, host);
    const problems: Problem[] = [];
    const config = processesScraperConfig.parse({}, 'processes', problems)!;
    const metrics = await createProcessesScraper(config, environment).scrape(TIME);
    assert.deepEqual(namesOf(metrics), ['system.processes.count', 'system.processes.created']);
    const count = metricNamed(metrics, 'system.processes.count');
    assert.equal(pointValue(count, { status: 'sleeping' }), 3);
    assert.equal(pointValue(count, { status: 'zombies' }), 1);
    assert.equal(pointValue(count, { status: 'blocked' }), 1);
    assert.equal(pointValue(count, { status: 'running' }), 0);
    assert.equal(pointOf(count, { status: 'running' }).startTimeUnixNano, BOOT);
    const created = metricNamed(metrics, 'system.processes.created');
    assert.equal(pointValue(created, {}), 98765);
    assert.equal(created.data.type === 'sum' && created.data.isMonotonic, true);
    assert.deepEqual(problems, []);
  });
});
