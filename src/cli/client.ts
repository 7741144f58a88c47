/**
 * A small client of the Vigil HTTP API for the CLI, and the stored credentials of `vigil login`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export class CliError extends Error {}

export interface Credentials {
  url: string;
  token: string;
}

export function credentialsPath(): string {
  const base = process.env.VIGIL_CLI_CONFIG_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'vigil');
  return join(base, 'credentials.json');
}

export function loadCredentials(): Credentials | undefined {
  const p = credentialsPath();
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}

export function saveCredentials(c: Credentials): void {
  const p = credentialsPath();
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(p, 0o600);
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown, cookie?: string): Promise<{ data: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw new CliError(`cannot reach ${this.baseUrl}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
    const text = await res.text();
    let data: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) data = JSON.parse(text);
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string } })?.error;
      if (res.status === 401 && !this.token) throw new CliError(`not signed in: run \`vigil login\` (${e?.message ?? 'unauthenticated'})`);
      throw new CliError(`${res.status} ${e?.code ?? ''}: ${e?.message ?? text}`.trim());
    }
    return { data: data as T, headers: res.headers };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }
  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('POST', path, body)).data;
  }
  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, body)).data;
  }
  async delete<T>(path: string): Promise<T> {
    return (await this.request<T>('DELETE', path)).data;
  }

  /**
   * Signs in with a password and creates a CLI token with the session. The token holds the
   * signed-in user's own scopes (an admin's include `admin`), or `scopes` when given, which must
   * be among them.
   */
  async loginForToken(email: string, password: string, scopes?: string[]): Promise<{ secret: string; scopes: string[] }> {
    const { headers } = await this.request('POST', '/api/v1/auth/login', { email, password });
    const cookie = (headers.get('set-cookie') ?? '').split(';')[0];
    if (!cookie) throw new CliError('sign-in did not return a session');
    try {
      const { data: me } = await this.request<{ scopes: string[] }>('GET', '/api/v1/me', undefined, cookie);
      const own = me.scopes;
      const wanted = scopes && scopes.length ? [...new Set(scopes)] : own;
      const beyond = wanted.filter((s) => !own.includes(s));
      if (beyond.length) throw new CliError(`--scopes: ${email} cannot hold ${beyond.map((s) => `"${s}"`).join(', ')}; your scopes are ${own.join(', ')}.`);
      const { data } = await this.request<{ secret: string; token: { scopes: string[] } }>(
        'POST',
        '/api/v1/tokens',
        { name: `cli ${new Date().toISOString().slice(0, 10)}`, scopes: wanted },
        cookie,
      );
      return { secret: data.secret, scopes: data.token.scopes };
    } finally {
      await this.request('POST', '/api/v1/auth/logout', undefined, cookie).catch(() => undefined);
    }
  }
}
