import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { fixtureEnvironment, readFixture } from '../../test-helpers.ts';
import { systemScraperConfig } from './metadata.ts';
import { parseUptime } from './parse-uptime.ts';
import { createSystemScraper } from './scraper.ts';

const TIME = 1_700_000_100_000_000_000n;

describe('system scraper', () => {
  it('parses /proc/uptime', () => {
    assert.deepEqual(parseUptime(readFixture('uptime.txt')), { uptimeSeconds: 2637.64, idleSeconds: 3396.28 });
    assert.throws(() => parseUptime('soon'), /Unexpected \/proc\/uptime: "soon"/);
  });

  it('emits system.uptime as a double gauge in seconds, or nothing when switched off', async () => {
    const problems: Problem[] = [];
    const { environment } = fixtureEnvironment({ uptime: readFixture('uptime.txt') });
    const on = systemScraperConfig.parse({}, 'system', problems)!;
    assert.deepEqual(await createSystemScraper(on, environment).scrape(TIME), [
      {
        name: 'system.uptime',
        description: 'The time the system has been running.',
        unit: 's',
        data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: TIME, value: 2637.64, isInteger: false }] },
      },
    ]);
    const off = systemScraperConfig.parse({ metrics: { 'system.uptime': { enabled: false } } }, 'system', problems)!;
    assert.deepEqual(await createSystemScraper(off, environment).scrape(TIME), []);
    assert.deepEqual(problems, []);
  });
});
