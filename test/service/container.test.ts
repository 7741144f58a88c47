/**
 * The container image and the service units, checked without Docker: the Dockerfile's final
 * stage runs as a non-root user, has a HEALTHCHECK on /healthz and copies only files that exist;
 * its ENTRYPOINT + CMD, run here with the image's environment (the /data volume moved to a temp
 * directory), start Vigil (through tini where it is installed), the HEALTHCHECK command passes
 * against it, and SIGTERM stops it within 15 s. The first start prints the first admin's email and
 * password to the log (`docker logs`), a restart on the same volume keeps the data and prints none,
 * and the `vigil` command the image installs runs any verb (`docker exec <c> vigil admin backup`). docker-compose.yml runs Vigil on PostgreSQL once the database is healthy; the same
 * command with compose's kind of VIGIL_DATABASE_URL starts on a real PostgreSQL. The systemd unit
 * passes `systemd-analyze verify` when that tool is present.
 *
 * Dockerfile reference: https://docs.docker.com/reference/dockerfile/ (exec form, HEALTHCHECK);
 * compose: https://docs.docker.com/reference/compose-file/services/ (depends_on condition).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresUrl, postgresAvailable } from '../helpers/databases.js';
import { alive, freePort, healthy, waitFor } from './processes.js';

const run = promisify(execFile);
const HAVE_PG = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), 'vigil-container-'));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.pid && alive(p.pid)) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions per stage (line continuations joined, comments dropped). */
function parseDockerfile(text: string): Instruction[][] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line.startsWith('#') || !line)) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const stages: Instruction[][] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(l);
    if (!m) continue;
    const ins = { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    if (ins.op === 'FROM') stages.push([]);
    stages.at(-1)!.push(ins);
  }
  return stages;
}

/** ENV a=b c=d (and the old ENV a b form). */
function envOf(stage: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.filter((x) => x.op === 'ENV')) {
    const pairs = [...i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)];
    if (pairs.length) for (const [, k, v] of pairs) env[k!] = v!.replace(/^"|"$/g, '');
    else {
      const [k, ...rest] = i.args.split(/\s+/);
      env[k!] = rest.join(' ');
    }
  }
  return env;
}

const execForm = (args: string): string[] => JSON.parse(args) as string[];

const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const final = stages.at(-1)!;
const one = (op: string): Instruction => {
  const found = final.filter((i) => i.op === op);
  expect(found, op).toHaveLength(1);
  return found[0]!;
};

/** The image's command as it would run here: tini is PID 1 in the image, absent on this machine. */
function imageCommand(): string[] {
  const cmd = [...execForm(one('ENTRYPOINT').args), ...execForm(one('CMD').args)];
  if (cmd[0]!.endsWith('/tini') && !existsSync(cmd[0]!)) cmd.splice(0, cmd.indexOf('--') + 1);
  return cmd;
}

async function startAsImage(env: Record<string, string>): Promise<{ url: string; proc: ChildProcess; exited: Promise<number | null>; output: () => string }> {
  const cmd = imageCommand();
  // Through tini where it is installed (as in the image), else node itself.
  const node = cmd.indexOf('node');
  expect(node).toBeGreaterThanOrEqual(0);
  const [bin, ...args] = node === 0 ? [process.execPath, ...cmd.slice(1)] : [cmd[0]!, ...cmd.slice(1, node), process.execPath, ...cmd.slice(node + 1)];
  const port = await freePort();
  const proc = spawn(bin!, args, { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', HOME: dir, ...env, PORT: String(port), VIGIL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => healthy(url), `the image's command to serve ${url}`, 60_000);
  return { url, proc, exited, output: () => out };
}

/** The `vigil` command the image installs (RUN printf '...' > /usr/local/bin/vigil), pointed at this checkout. */
function imageVigilScript(): string {
  const run = final.filter((i) => i.op === 'RUN').map((i) => i.args).find((a) => a.includes('/usr/local/bin/vigil'));
  expect(run, 'a RUN instruction writes /usr/local/bin/vigil').toBeDefined();
  const m = /printf '([^']*)' > \/usr\/local\/bin\/vigil/.exec(run!);
  expect(m, 'the vigil command is written with printf').not.toBeNull();
  expect(run).toContain('chmod 0755 /usr/local/bin/vigil');
  const script = m![1]!.replace(/\\n/g, '\n');
  expect(script).toMatch(/^#!\/bin\/sh\n/);
  const workdir = one('WORKDIR').args;
  return script.replaceAll(`${workdir}/`, `${process.cwd()}/`);
}

describe('the Dockerfile', () => {
  it('builds in stages; the final stage runs as a non-root user, exposes the port and keeps data in a volume', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final[0]!.args).toMatch(/^node:20[-\w.]*slim/);
    const user = one('USER').args;
    expect(['root', '0', '0:0']).not.toContain(user);
    const env = envOf(final);
    expect(env.VIGIL_HOST).toBe('0.0.0.0');
    expect(one('EXPOSE').args).toBe(env.PORT);
    expect(env.VIGIL_DATABASE_URL).toMatch(/^sqlite:\/data\//);
    expect(one('VOLUME').args).toContain('/data');
  });

  it('copies only what exists and what the server needs (sources, production modules, the built UI)', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args.replace(/--\S+\s+/g, '').split(/\s+/));
    const sources = copies.flatMap((c) => c.slice(0, -1)).map((s) => s.replace(/^\/app\//, ''));
    for (const needed of ['bin', 'src', 'web/dist', 'node_modules', 'package.json']) expect(sources).toContain(needed);
    for (const s of sources) if (s !== 'node_modules' && s !== 'web/dist') expect(existsSync(s), s).toBe(true);
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const kept of ['node_modules', '.git', 'data']) expect(ignore).toContain(kept);
  });

  it("its command starts Vigil, its HEALTHCHECK passes, and SIGTERM stops it within 15 s", { timeout: 90_000 }, async () => {
    const env = envOf(final);
    env.VIGIL_DATABASE_URL = env.VIGIL_DATABASE_URL!.replace('/data/', `${dir}/`);
    const server = await startAsImage(env);
    const health = one('HEALTHCHECK').args;
    expect(health).toMatch(/--interval=\S+/);
    const check = execForm(health.replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(check.join(' ')).toContain('/healthz');
    const port = new URL(server.url).port;
    const [cmd, ...args] = check;
    expect(cmd).toBe('node');
    await run(process.execPath, args, { env: { ...process.env, PORT: port } });
    // And it fails when nothing answers.
    const down = await run(process.execPath, args, { env: { ...process.env, PORT: String(await freePort()) } }).catch((e: { code: number }) => e);
    expect((down as { code: number }).code).toBe(1);

    server.proc.kill('SIGTERM');
    const code = await Promise.race([server.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000))]);
    expect(code).toBe(0);
  });

  it('prints the first admin once on the first start; a restart on the same volume keeps the data and prints none', { timeout: 120_000 }, async () => {
    const env = envOf(final);
    const volume = mkdtempSync(join(dir, 'data-'));
    env.VIGIL_DATABASE_URL = env.VIGIL_DATABASE_URL!.replace('/data/', `${volume}/`);
    const first = await startAsImage(env);
    await waitFor(async () => /with password \S+/.test(first.output()), 'the first admin in the log', 15_000);
    const [, email, password] = /as (\S+) with password (\S+)/.exec(first.output())!;
    const login = async (url: string) =>
      (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).status;
    expect(await login(first.url)).toBe(200);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startAsImage(env);
    expect(await login(second.url)).toBe(200);
    expect(second.output()).not.toContain('with password');
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('installs a `vigil` command that runs any verb, e.g. a backup into the volume', { timeout: 120_000 }, async () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'vigil'), imageVigilScript(), { mode: 0o755 });
    const env = envOf(final);
    const volume = mkdtempSync(join(dir, 'data-'));
    env.VIGIL_DATABASE_URL = env.VIGIL_DATABASE_URL!.replace('/data/', `${volume}/`);
    const server = await startAsImage(env);
    const shellEnv = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, ...env, VIGIL_LOG_LEVEL: 'warn' };
    const help = await run('sh', ['-c', 'vigil --help'], { env: shellEnv });
    expect(help.stdout).toContain('admin');
    const backup = join(volume, 'backup.db');
    await run('sh', ['-c', `vigil admin backup ${backup}`], { env: shellEnv });
    expect(existsSync(backup)).toBe(true);
    expect(statSync(backup).size).toBeGreaterThan(0);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
    services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; ports?: string[]; volumes?: string[] }>;
    volumes: Record<string, unknown>;
  };

  it('runs Vigil, built from this Dockerfile, on PostgreSQL once the database is healthy', () => {
    const { vigil, postgres } = compose.services;
    expect(vigil?.build).toBe('.');
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(postgres?.volumes?.[0]).toMatch(/^pgdata:\/var\/lib\/postgresql\/data$/);
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(vigil?.depends_on?.postgres?.condition).toBe('service_healthy');
    const url = new URL(vigil!.environment!.VIGIL_DATABASE_URL!.replace(/\$\{(\w+):-([^}]*)\}/g, '$2'));
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.pathname).toBe(`/${postgres!.environment!.POSTGRES_DB}`);
    expect(url.username).toBe(postgres!.environment!.POSTGRES_USER);
    expect(vigil?.ports).toContain('8080:8080');
  });

  it.skipIf(!HAVE_PG)('the image command with a PostgreSQL URL starts and answers /readyz', { timeout: 90_000 }, async () => {
    const database = await createPostgresUrl();
    try {
      const env = envOf(final);
      env.VIGIL_DATABASE_URL = database.url;
      const server = await startAsImage(env);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      server.proc.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      await database.dispose();
    }
  });
});

describe('the systemd unit', () => {
  const unit = readFileSync('docs/deploy/vigil.service', 'utf8');
  const setting = (k: string): string[] => [...unit.matchAll(new RegExp(`^${k}=(.*)$`, 'gm'))].map((m) => m[1]!);

  it('runs `vigil server` as its own user, stops it with SIGTERM and waits long enough', async () => {
    expect(setting('ExecStart')[0]).toMatch(/node \S*bin\/vigil\.js server$/);
    expect(setting('User')[0]).toBe('vigil');
    expect(setting('KillSignal')[0]).toBe('SIGTERM');
    expect(Number(setting('TimeoutStopSec')[0])).toBeGreaterThan(15);
    expect(setting('Environment')).toContain('VIGIL_DATABASE_URL=sqlite:/var/lib/vigil/vigil.db');
    expect(setting('StateDirectory')[0]).toBe('vigil');
    const verify = await run('systemd-analyze', ['verify', 'docs/deploy/vigil.service']).catch((e: { code: number | string; stderr: string }) => e);
    if ((verify as { code?: number | string }).code === 'ENOENT') return; // no systemd tools here
    expect((verify as { stderr: string }).stderr ?? '').not.toMatch(/error|unknown|invalid/i);
  });
});
