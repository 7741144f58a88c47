/**
 * Running Vigil as a service: `npm start` on a fresh SQLite file and a free port serves
 * `/healthz`; SIGTERM to the `npm start` process (what systemd, Docker and Kubernetes send) ends
 * the server and every process under it within 15 s, and the port is free again.
 *
 * npm runs a script with `sh -c`; npm passes SIGTERM on to that shell, and a shell that is not
 * replaced by the server dies alone, leaving the server running. The start script `exec`s the
 * server so the signal reaches it (npm's run-script: https://docs.npmjs.com/cli/v10/commands/npm-run-script).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, descendants, freePort, healthy, waitFor } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-npm-start-'));
const started: ChildProcess[] = [];
const seen = new Set<number>();
afterAll(() => {
  for (const p of started) for (const pid of [...descendants(p.pid!), ...seen, p.pid!]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start as a service', () => {
  it('serves /healthz, and SIGTERM to `npm start` ends the server within 15 s', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const npm = spawn('npm', ['start'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: String(port), VIGIL_HOST: '127.0.0.1', VIGIL_DATABASE_URL: `sqlite:${join(dir, 'vigil.db')}`, VIGIL_LOG_LEVEL: 'warn', VIGIL_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(npm);
    let output = '';
    npm.stdout!.on('data', (d) => (output += String(d)));
    npm.stderr!.on('data', (d) => (output += String(d)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));

    await waitFor(() => healthy(url), `/healthz on ${url} (output so far: ${output})`, 60_000);
    expect(output).toContain('Vigil is running');
    const tree = descendants(npm.pid!);
    for (const pid of tree) seen.add(pid);
    expect(tree.length).toBeGreaterThan(0);

    npm.kill('SIGTERM');
    await waitFor(async () => !(await healthy(url)) && tree.every((pid) => !alive(pid)), 'the server to stop after SIGTERM', 15_000);
    const end = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5_000))]);
    expect(end, 'npm start itself exits').toBeDefined();
    // The port is free: another server can listen on it.
    await new Promise<void>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  });
});
