// Test-only: a certificate authority, a server and a client certificate made with openssl at
// test time, and a real HTTPS server (Node, in its own process) that uses them.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the generated files are. */
export interface Certificates {
  directory: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  remove(): Promise<void>;
}

/** True when `openssl` can be run. */
export async function hasOpenssl(): Promise<boolean> {
  return run('openssl', ['version']).then(
    () => true,
    () => false,
  );
}

/** A skip reason when openssl is missing (never under `CI=true`, where the test must fail instead). */
export async function opensslSkipReason(): Promise<string | false> {
  if ((await hasOpenssl()) || process.env['CI'] === 'true') return false;
  return 'openssl is not installed; install the Debian package openssl to run this test';
}

/** Makes a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate. */
export async function makeCertificates(): Promise<Certificates> {
  const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-tls-'));
  const at = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: directory });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=wasmpipe test CA',
  );
  await writeFile(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await writeFile(at('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [
    ['server', '/CN=localhost'],
    ['client', '/CN=wasmpipe-client'],
  ] as const) {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
  return {
    directory,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}

/** One request the HTTPS server saw. */
export interface SeenRequest {
  path: string;
  bytes: number;
  client: string | null;
  authorized: boolean;
  protocol: string;
  encoding: string | null;
}

/** A running HTTPS server process. */
export interface HttpsServer {
  url: string;
  seen(): SeenRequest[];
  close(): Promise<void>;
}

/** Starts the HTTPS server; `maxVersion` such as `TLSv1.2` caps what it speaks. */
export async function startHttpsServer(certificates: Certificates, maxVersion?: string): Promise<HttpsServer> {
  const script = fileURLToPath(new URL('./https-server.mjs', import.meta.url));
  const child: ChildProcess = spawn('node', [script, certificates.directory, ...(maxVersion ? [maxVersion] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen: SeenRequest[] = [];
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The HTTPS test server exited with ${code}.`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if ('port' in line) resolve(line.port);
        else seen.push(line);
        newline = buffered.indexOf('\n');
      }
    });
  });
  return {
    url: `https://127.0.0.1:${port}`,
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
