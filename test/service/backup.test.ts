/**
 * `vigil admin backup <file>`: an online SQLite backup taken while the server runs and writes;
 * the restore is starting Vigil on the backup file, and the data is there (and what was written
 * after the backup is not). On PostgreSQL the command writes nothing and says how to use pg_dump.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, freePort, healthy, waitFor } from './processes.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-backup-'));
const TOKEN = 'vgt_backup_test_token_0123456789';
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) if (s.pid && alive(s.pid)) s.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const envFor = (db: string, port?: number): NodeJS.ProcessEnv => ({
  ...process.env,
  VIGIL_DATABASE_URL: db,
  VIGIL_BOOTSTRAP_TOKEN: TOKEN,
  VIGIL_LOG_LEVEL: 'warn',
  VIGIL_CONFIG: '',
  VIGIL_HOST: '127.0.0.1',
  ...(port ? { PORT: String(port) } : {}),
});

async function startServer(db: string): Promise<{ url: string; proc: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, ['bin/vigil.js', 'server'], { env: envFor(db, port), stdio: 'ignore' });
  servers.push(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await waitFor(() => healthy(url), `Vigil on ${url}`, 60_000);
  return {
    url,
    proc,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: { [k: string]: unknown } }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { [k: string]: unknown } };
}

describe('vigil admin backup', () => {
  it('backs up SQLite while the server runs; Vigil started on the backup has the data', { timeout: 120_000 }, async () => {
    const live = `sqlite:${join(dir, 'live.db')}`;
    const backupFile = join(dir, 'backup.db');
    const server = await startServer(live);
    expect((await api(server.url, 'POST', '/api/v1/teams', { name: 'Payments' })).status).toBe(201);
    expect((await api(server.url, 'POST', '/api/v1/services', { name: 'Checkout', teamId: 'payments' })).status).toBe(201);

    const out = await run(process.execPath, ['bin/vigil.js', 'admin', 'backup', backupFile], { env: envFor(live) });
    expect(out.stdout).toContain(`to ${backupFile}`);
    expect(out.stdout).toContain('checked');
    expect(existsSync(backupFile)).toBe(true);

    // Written after the backup: not in it.
    expect((await api(server.url, 'POST', '/api/v1/services', { name: 'Ledger', teamId: 'payments' })).status).toBe(201);
    // A second backup to the same file is refused unless forced.
    const again = await run(process.execPath, ['bin/vigil.js', 'admin', 'backup', backupFile], { env: envFor(live) }).catch((e: { code: number; stderr: string }) => e);
    expect((again as { code: number }).code).not.toBe(0);
    expect((again as { stderr: string }).stderr).toContain('--force');
    await server.stop();

    const restored = await startServer(`sqlite:${backupFile}`);
    const services = (await api(restored.url, 'GET', '/api/v1/services')).body.data as Array<{ name: string }>;
    expect(services.map((s) => s.name)).toEqual(['Checkout']);
    expect((await api(restored.url, 'GET', '/api/v1/teams/payments')).status).toBe(200);
    const ready = await fetch(`${restored.url}/readyz`);
    expect(ready.status).toBe(200);
    await restored.stop();
  });

  it('refuses a database that does not exist', async () => {
    const err = await run(process.execPath, ['bin/vigil.js', 'admin', 'backup', join(dir, 'x.db')], { env: envFor(`sqlite:${join(dir, 'missing.db')}`) }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toContain('no database at');
  });

  it('on PostgreSQL, writes nothing and says how to use pg_dump and pg_restore (password hidden)', async () => {
    const file = join(dir, 'pg.dump');
    const err = await run(process.execPath, ['bin/vigil.js', 'admin', 'backup', file], { env: envFor('postgres://vigil:s3cret@db.example.com:5432/vigil') }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).not.toBe(0);
    const text = (err as { stderr: string }).stderr;
    expect(text).toContain('pg_dump --format=custom');
    expect(text).toContain('pg_restore');
    expect(text).not.toContain('s3cret');
    expect(existsSync(file)).toBe(false);
  });
});
