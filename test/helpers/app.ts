/**
 * The whole app in-process for scenario, HTTP and browser tests: a fresh database, a real HTTP
 * server on a loopback port, an admin with a known password and an admin API token.
 */
import { loadConfig, type VigilConfig } from '../../src/config/config.js';
import { createVigil, type Vigil } from '../../src/app/vigil.js';
import type { Clock } from '../../src/core/shared/clock.js';
import { buildUser, insertUser, type Role } from '../../src/core/users/users.js';
import { SYSTEM_ACTOR } from '../../src/core/shared/ports.js';
import { createToken } from '../../src/core/auth/auth.js';
import { createTestDatabaseUrl, type DialectName } from './databases.js';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct-horse-battery';
export const BOOTSTRAP_TOKEN = 'vgl_test_bootstrap_token_0123456789';

export interface TestApp {
  vigil: Vigil;
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** An API token of the bootstrap admin. */
  adminToken: string;
  /** Creates a user with a password and returns an API token with the scopes of its role. */
  createUserWithToken(role: Role, email?: string): Promise<{ id: string; token: string; email: string }>;
  /** fetch against the app with JSON defaults and an optional token. */
  api(method: string, path: string, options?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface StartOptions {
  dialect?: DialectName;
  clock?: Clock;
  manualEngine?: boolean;
  config?: Partial<Record<string, unknown>>;
  webRoot?: string;
}

export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const db = await createTestDatabaseUrl(options.dialect ?? 'sqlite');
  const config: VigilConfig = loadConfig({
    env: {},
    overrides: {
      databaseUrl: db.url,
      port: 0,
      host: '127.0.0.1',
      bootstrapToken: BOOTSTRAP_TOKEN,
      logLevel: 'silent',
      // With a fake clock, time travel runs the reconciler at every interval: keep it hourly.
      ...(options.manualEngine ? { engine: { reconcileIntervalMs: 3_600_000 } } : {}),
      ...(options.config ?? {}),
    },
  });
  const vigil = await createVigil({
    config,
    logger: false,
    passwordCost: 1 << 10,
    manualEngine: options.manualEngine ?? false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const now = vigil.core.clock.now();
  await vigil.core.uow.run(async (r) => {
    const admin = buildUser({ name: 'Ada Admin', email: ADMIN_EMAIL, role: 'admin', timeZone: 'Europe/London' }, now);
    await insertUser(r, SYSTEM_ACTOR, admin, await vigil.core.passwords.hash(ADMIN_PASSWORD));
  });
  const { url } = await vigil.start();
  const baseUrl = url.replace('[::1]', '127.0.0.1');
  const api: TestApp['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token === undefined ? BOOTSTRAP_TOKEN : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    vigil,
    baseUrl,
    adminEmail: ADMIN_EMAIL,
    adminPassword: ADMIN_PASSWORD,
    adminToken: BOOTSTRAP_TOKEN,
    api,
    async createUserWithToken(role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`) {
      const t = vigil.core.clock.now();
      const user = buildUser({ name: email.split('@')[0]!, email, role }, t);
      await vigil.core.uow.run((r) => insertUser(r, SYSTEM_ACTOR, user, null));
      const scopes = role === 'admin' ? (['read', 'write', 'admin'] as const) : role === 'responder' ? (['read', 'write'] as const) : (['read'] as const);
      const { secret } = await createToken(vigil.core, { user, scopes: [...scopes], via: 'token' }, { name: 'test', scopes: [...scopes] });
      return { id: user.id, token: secret, email };
    },
    async close() {
      await vigil.stop();
      await db.dispose();
    },
  };
}
