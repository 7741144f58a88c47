/**
 * The Kysely database over embedded SQLite (better-sqlite3) or PostgreSQL (pg).
 *
 * SQLite runs in WAL mode with a busy timeout on one connection: Kysely's SQLite driver serialises
 * every query and transaction through it, which makes this process the single writer.
 * PostgreSQL uses a pool; a dedicated client LISTENs for wake-ups between Vigil processes.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { createRequire } from 'node:module';
import type Pg from 'pg';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  readonly dialect: Dialect;
  readonly db: Kysely<DB>;
  /** A short description safe to log (no password). */
  readonly description: string;
  /**
   * The embedded database's own connection (SQLite only): for the few hot paths that run a
   * fixed statement synchronously, outside Kysely (the intake queue's group commit).
   */
  readonly native?: SQLite.Database;
  /**
   * Subscribe to a notification channel shared by every Vigil process on this database.
   * On SQLite there is one process, so this is in-process only.
   */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Send a notification on commit of `executor`'s transaction (or now, outside one). */
  notify(executor: Executor, channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

// int8 (count(*), bigint columns holding epoch milliseconds) as JS numbers: all our values fit.
// pg is loaded when a PostgreSQL database is opened: an embedded installation never loads it.
let pgModule: typeof Pg | undefined;
function loadPg(): typeof Pg {
  if (!pgModule) {
    pgModule = createRequire(import.meta.url)('pg') as typeof Pg;
    pgModule.types.setTypeParser(20, (v: string) => Number(v));
  }
  return pgModule;
}

export function redactDatabaseUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}

export async function openDatabase(url: string): Promise<Database> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  throw new Error(`Unsupported database URL: ${redactDatabaseUrl(url)}`);
}

function openSqlite(path: string): Database {
  const memory = path === ':memory:';
  const file = memory ? ':memory:' : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  native.pragma('busy_timeout = 5000');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingStatements(native) }) });
  const listeners = new Map<string, Set<(payload: string) => void>>();
  return {
    dialect: 'sqlite',
    db,
    native,
    description: `sqlite:${file}`,
    async listen(channel, onMessage) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async notify(executor, channel, payload) {
      // One process and one connection: a listener's own queries wait for the transaction to end.
      void executor;
      setImmediate(() => {
        for (const fn of listeners.get(channel) ?? []) fn(payload);
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * better-sqlite3 compiles a statement on every prepare(); Kysely prepares each query it runs. The
 * statements of one connection are reused across queries (the connection runs one query at a time),
 * so they are cached by SQL text.
 */
function cachingStatements(native: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(native, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source);
          if (!stmt) {
            stmt = target.prepare(source);
            if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
            cache.set(source, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function openPostgres(url: string): Promise<Database> {
  const pg = loadPg();
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let listenClient: Pg.Client | undefined;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let closed = false;

  async function ensureListenClient(): Promise<Pg.Client> {
    if (listenClient) return listenClient;
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect on the next listen; the engine's periodic sweep covers missed wake-ups.
      listenClient = undefined;
      if (!closed) void reconnect();
    });
    await client.connect();
    listenClient = client;
    return client;
  }

  async function reconnect(): Promise<void> {
    for (let attempt = 0; !closed && attempt < 60; attempt++) {
      try {
        const client = await ensureListenClient();
        for (const channel of listeners.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    dialect: 'postgres',
    db,
    description: redactDatabaseUrl(url),
    async listen(channel, onMessage) {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        const client = await ensureListenClient();
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async notify(executor, channel, payload) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(executor);
    },
    async close() {
      closed = true;
      if (listenClient) await listenClient.end().catch(() => undefined);
      await db.destroy();
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Bad channel name ${name}`);
  return name;
}
