/**
 * The embedded server's lifetime, against the real thing: shared by the processes that use
 * it, stopped after the last, and adopted by a new keeper when its keeper was killed.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinEmbeddedServer,
  readServerInfo,
  type ServerInfo,
} from '../../src/queue/embeddedServer.js';
import { processRunning } from '../../src/core/fileLock.js';
import { waitFor } from './lgtChild.js';

let base: string;
let dir: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lgt-embedded-'));
  chmodSync(base, 0o755); // run as root, the server runs as nobody, who must enter it
  dir = join(base, 'queue');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function expectStopped(info: ServerInfo): Promise<void> {
  await waitFor(() => !processRunning(info.keeperPid), 30_000, 'the keeper to exit');
  expect(processRunning(info.postmasterPid)).toBe(false);
  expect(existsSync(join(dir, 'server.json'))).toBe(false);
  expect(await portFree(info.port)).toBe(true);
}

const one = async (client: { query: (q: string) => Promise<{ rows: Array<{ n: number }> }> }) =>
  (await client.query('SELECT 1 AS n')).rows[0].n;

describe('the embedded Postgres', () => {
  it('is shared by the processes that use it and stops when the last one leaves', async () => {
    const a = await joinEmbeddedServer(dir);
    const b = await joinEmbeddedServer(dir);
    expect(b.info).toEqual(a.info);
    await a.client.end();
    // b still holds it
    await new Promise((r) => setTimeout(r, 500));
    expect(await one(b.client)).toBe(1);
    expect(processRunning(a.info.keeperPid)).toBe(true);
    await b.client.end();
    await expectStopped(a.info);
  }, 120_000);

  it('outlives a keeper killed with SIGKILL: the next keeper adopts the server, and stops it', async () => {
    const a = await joinEmbeddedServer(dir);
    process.kill(a.info.keeperPid, 'SIGKILL');
    await waitFor(() => !processRunning(a.info.keeperPid), 10_000, 'the keeper to die');
    expect(await one(a.client)).toBe(1);
    const b = await joinEmbeddedServer(dir);
    expect(b.info.keeperPid).not.toBe(a.info.keeperPid);
    expect(b.info.postmasterPid).toBe(a.info.postmasterPid);
    expect(b.info.port).toBe(a.info.port);
    await a.client.end();
    await b.client.end();
    await expectStopped(readServerInfo(dir) ?? b.info);
  }, 120_000);
});
