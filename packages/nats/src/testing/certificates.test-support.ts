// Test-only: a CA, a server certificate for 127.0.0.1/localhost and a client certificate, made
// with openssl at test time, for the TLS tests against a real nats-server.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The generated files (PEM paths) and how to remove them. */
export interface Certificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  remove(): Promise<void>;
}

/** A skip reason when openssl is missing (never under `CI=true`). */
export async function opensslSkipReason(): Promise<string | false> {
  const found = await run('openssl', ['version']).then(
    () => true,
    () => false,
  );
  if (found || process.env['CI'] === 'true') return false;
  return 'openssl is not installed; install the Debian package openssl to run this test';
}

/** Makes the CA and both certificates in a mkdtemp directory. */
export async function makeCertificates(): Promise<Certificates> {
  const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nats-tls-'));
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
    '/CN=wasmpipe nats test CA',
  );
  await writeFile(join(directory, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await writeFile(join(directory, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const name of ['server', 'client']) {
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
      `/CN=${name === 'server' ? 'localhost' : 'wasmpipe-agent'}`,
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
    ca: join(directory, 'ca.crt'),
    serverCert: join(directory, 'server.crt'),
    serverKey: join(directory, 'server.key'),
    clientCert: join(directory, 'client.crt'),
    clientKey: join(directory, 'client.key'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
