// Discovery against the config the test harness really runs nginx with.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { nginxSkipReason, sendRequests, startNginx } from '../testing/nginx.test-support.ts';
import { discoverNginx } from './discover.ts';

test('discovery finds what a real nginx uses: status URL, access log with its format, error log, pid file', {
  skip: nginxSkipReason(),
  timeout: 60_000,
}, async () => {
  const logFormat = '$remote_addr [$time_local] "$request" $status $request_time "$http_user_agent"';
  const nginx = await startNginx({
    logFormat,
    logFormatName: 'timed',
    logFormatEscape: 'json',
    httpSnippet: '  include extra/*.conf;\n',
  });
  assert.ok(nginx);
  try {
    const found = await discoverNginx({ configPath: nginx.configPath, prefix: nginx.directory });
    assert.equal(found.stubStatus[0]?.url, nginx.statusUrl);
    assert.equal(found.stubStatus[0]?.hostHeader, 'localhost');
    assert.deepEqual(
      found.accessLogs.map(({ path, format }) => ({
        path,
        name: format.name,
        text: format.text,
        escape: format.escape,
      })),
      [{ path: nginx.accessLogPath, name: 'timed', text: logFormat, escape: 'json' }],
    );
    assert.deepEqual(
      found.errorLogs.map(({ path, level }) => ({ path, level })),
      [{ path: nginx.errorLogPath, level: 'info' }],
    );
    assert.equal(found.pidFile, nginx.pidPath);
    assert.equal(Number((await readFile(found.pidFile, 'utf8')).trim()), nginx.pid);
    // The discovered URL really is the status page.
    const [response] = await sendRequests(found.stubStatus[0]?.url as string, 1, {
      headers: { host: found.stubStatus[0]?.hostHeader as string },
    });
    assert.match(response?.body ?? '', /^Active connections: \d+/);
  } finally {
    await nginx.stop();
  }
});
