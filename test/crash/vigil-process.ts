/**
 * Vigil as a child process (test/crash/server.ts, i.e. `vigil server` configured by the environment), for
 * tests that SIGKILL it and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface VigilProcessOptions {
  databaseUrl: string;
  port: number;
  bootstrapToken: string;
  /** Extra VIGIL_* settings. */
  env?: Record<string, string>;
}

export class VigilProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = '';
  private exitCode: number | null | undefined;
  /** How many times the process was started. */
  starts = 0;
  readonly baseUrl: string;

  constructor(private readonly options: VigilProcessOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
  }

  /** Everything the process(es) wrote, for failure messages. */
  output(): string {
    return this.log;
  }

  /** Starts the server and waits until /readyz answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    const startNo = this.spawn(false);
    await this.waitReady(startNo, timeoutMs);
  }

  /**
   * Starts the process up to the point where Vigil would start (every module loaded), and waits there: {@link release}
   * lets it go. Several processes loaded this way start at the same instant.
   */
  async load(timeoutMs = 30_000): Promise<void> {
    const startNo = this.spawn(true);
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes(`[start ${startNo}] gate: loaded`)) {
      if (!this.child) throw new Error(`Vigil (start ${startNo}) exited while loading:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`Vigil (start ${startNo}) not loaded after ${timeoutMs} ms:\n${this.log}`);
      await sleep(20);
    }
  }

  /** Lets a process started with {@link load} start Vigil (without waiting). */
  release(): void {
    if (!this.child?.stdin) throw new Error('not loaded');
    this.child.stdin.end('go\n');
  }

  /** Waits until /readyz answers 200; throws if the process exits first. */
  async ready(timeoutMs = 30_000): Promise<void> {
    await this.waitReady(this.starts, timeoutMs);
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined;
  }

  private spawn(gated: boolean): number {
    if (this.child) throw new Error('already running');
    const startNo = ++this.starts;
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], {
      cwd: ROOT,
      stdio: [gated ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        VIGIL_DATABASE_URL: this.options.databaseUrl,
        PORT: String(this.options.port),
        VIGIL_HOST: '127.0.0.1',
        VIGIL_PUBLIC_URL: this.baseUrl,
        VIGIL_BOOTSTRAP_TOKEN: this.options.bootstrapToken,
        VIGIL_LOG_LEVEL: 'warn',
        ...(gated ? { VIGIL_TEST_START_GATE: '1' } : {}),
        ...this.options.env,
      },
    });
    this.child = child;
    const tag = (b: Buffer) => (this.log += b.toString().replace(/^(?=.)/gm, `[start ${startNo}] `));
    child.stdout?.on('data', tag);
    child.stderr?.on('data', tag);
    this.exitCode = undefined;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    return startNo;
  }

  private async waitReady(startNo: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined) throw new Error(`Vigil (start ${startNo}) exited with ${this.exitCode} before it was ready:\n${this.log}`);
      const status = await getStatus(`${this.baseUrl}/readyz`).catch(() => 0);
      if (status === 200) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`Vigil (start ${startNo}) not ready after ${timeoutMs} ms:\n${this.log}`);
      }
      await sleep(50);
    }
  }

  /** The running child's process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a signal (SIGSTOP / SIGCONT to stall a process and wake it). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** SIGKILL: no shutdown hook, no flush, open transactions and sockets just vanish. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait (the graceful path, for clean-up). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The HTTP status of a GET (0 when nothing answers). */
export const statusOf = (url: string): Promise<number> => getStatus(url).catch(() => 0);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request over `agent` (keep-alive); rejects on any connection error or after `timeoutMs`. */
export function httpRequest(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string, timeoutMs = 5000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
