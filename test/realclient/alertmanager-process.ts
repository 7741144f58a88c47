/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, 0.25) for the real-client intake
 * tests: started on a free loopback port with clustering off and a throw-away storage dir, fed with
 * `amtool alert add` exactly as an operator would.
 *
 * Without the binary the tests are skipped with a notice, unless VIGIL_TEST_REQUIRE_ALERTMANAGER=1
 * (set by .ci/run), which turns the skip into a failure.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const ALERTMANAGER_BIN = process.env.VIGIL_ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BIN = process.env.VIGIL_AMTOOL_BIN ?? '/usr/bin/amtool';
export const REQUIRE_ALERTMANAGER = process.env.VIGIL_TEST_REQUIRE_ALERTMANAGER === '1';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why the real-Alertmanager tests cannot run here, or undefined when they can. */
export const MISSING_REASON: string | undefined = [ALERTMANAGER_BIN, AMTOOL_BIN].every(executable)
  ? undefined
  : `Prometheus Alertmanager not found (${ALERTMANAGER_BIN}, ${AMTOOL_BIN}): install the Debian package prometheus-alertmanager ` +
    '(apt-get install -y prometheus-alertmanager) or set VIGIL_ALERTMANAGER_BIN / VIGIL_AMTOOL_BIN. Real-Alertmanager intake tests skipped.';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything the process wrote so far (stdout + stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Alertmanager with `config` (an object written as alertmanager.yml) and waits until it is ready. */
export async function startAlertmanager(config: Record<string, unknown>, options: { readyTimeoutMs?: number } = {}): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`Alertmanager exited with ${exited} before it was ready:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Alertmanager not ready at ${url} after ${options.readyTimeoutMs ?? 15_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, output: () => out, stop };
}

export interface AmtoolAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  generatorUrl?: string;
  /** RFC 3339 */
  start?: string;
  /** RFC 3339; in the past resolves the alert. */
  end?: string;
}

/** `amtool alert add` against a running Alertmanager (the way an operator fires a test alert). */
export function amtoolAddAlert(alertmanagerUrl: string, alert: AmtoolAlert): Promise<void> {
  const args = ['alert', 'add', ...Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`), `--alertmanager.url=${alertmanagerUrl}`, '--timeout=10s'];
  for (const [k, v] of Object.entries(alert.annotations ?? {})) args.push(`--annotation=${k}=${v}`);
  if (alert.generatorUrl) args.push(`--generator-url=${alert.generatorUrl}`);
  if (alert.start) args.push(`--start=${alert.start}`);
  if (alert.end) args.push(`--end=${alert.end}`);
  return new Promise((resolve, reject) => {
    execFile(AMTOOL_BIN, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`amtool ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** RFC 3339 in UTC at second resolution, as amtool users type it. */
export const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Polls `probe` until it returns a value that is not undefined; fails with `describe()` after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, describe: () => string | Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${await describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
