// Checks the real-nginx test harness itself: start, every provoking path, reload, reopen, stop.
import assert from 'node:assert/strict';
import { readFile, rename, stat } from 'node:fs/promises';
import { test } from 'node:test';
import { nginxSkipReason, sendRequests, startNginx, waitForFileText } from './nginx.test-support.ts';

test('the harness runs a real nginx that serves, proxies, fails on purpose, reloads, reopens and stops', {
  skip: nginxSkipReason(),
  timeout: 120_000,
}, async () => {
  const nginx = await startNginx({ logFormat: '$request_method $uri $status' });
  assert.ok(nginx);
  try {
    const [ok] = await sendRequests(`${nginx.baseUrl}/`, 1);
    assert.deepEqual(ok, { status: 200, body: 'ok\n' });
    const [proxied] = await sendRequests(`${nginx.baseUrl}/proxy/hello`, 1);
    assert.deepEqual(proxied, { status: 200, body: 'backend /hello\n' });
    assert.equal((await sendRequests(`${nginx.baseUrl}/status/418`, 1))[0]?.status, 418);
    assert.equal((await sendRequests(`${nginx.baseUrl}/files/index.html`, 1))[0]?.status, 200);
    assert.equal((await sendRequests(`${nginx.baseUrl}/files/missing`, 1))[0]?.status, 404);
    assert.equal((await sendRequests(`${nginx.baseUrl}/timeout`, 1))[0]?.status, 504);
    assert.deepEqual(
      (await sendRequests(`${nginx.baseUrl}/refused`, 2, { concurrency: 1 })).map((r) => r.status),
      [502, 502],
    );
    const status = await sendRequests(nginx.statusUrl, 1);
    assert.match(status[0]?.body ?? '', /^Active connections: \d+ \nserver accepts handled requests\n/);

    const errors = await readFile(nginx.errorLogPath, 'utf8');
    assert.match(errors, /upstream timed out/);
    assert.match(errors, /Connection refused/);
    assert.match(errors, /no live upstreams/);
    assert.match(errors, /No such file or directory/);
    // nginx logs a request after answering it: wait for the eighth line. The status request is not logged.
    const text = await waitForFileText(nginx.accessLogPath, (content) => content.split('\n').length > 8);
    const access = text.trim().split('\n');
    assert.deepEqual(access, [
      'GET / 200',
      'GET /proxy/hello 200',
      'GET /status/418 418',
      'GET /files/index.html 200',
      'GET /files/missing 404',
      'GET /timeout 504',
      'GET /refused 502',
      'GET /refused 502',
    ]);

    // Rename and reopen: the next request lands in a fresh file.
    await rename(nginx.accessLogPath, `${nginx.accessLogPath}.1`);
    await nginx.reopen();
    await sendRequests(`${nginx.baseUrl}/after-reopen`, 1);
    assert.equal(await waitForFileText(nginx.accessLogPath, (content) => content !== ''), 'GET /after-reopen 200\n');

    // Reload with a different format and an extra location.
    const workersBefore = await nginx.workerPids();
    await nginx.reload({ logFormat: 'reloaded $uri', serverSnippet: 'location = /extra { return 201; }' });
    assert.notDeepEqual(await nginx.workerPids(), workersBefore);
    assert.equal((await sendRequests(`${nginx.baseUrl}/extra`, 1))[0]?.status, 201);
    await waitForFileText(nginx.accessLogPath, (content) => content.endsWith('reloaded /extra\n'));
    await assert.rejects(nginx.reload({ serverSnippet: 'this is not nginx;' }), /nginx -t rejected/);
  } finally {
    await nginx.stop();
  }
  assert.equal(nginx.running, false);
  await assert.rejects(stat(nginx.directory), { code: 'ENOENT' });
});
