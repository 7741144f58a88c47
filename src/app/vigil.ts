/**
 * The composition root: builds every part from the configuration and starts the roles this
 * process runs (the HTTP API, the job engine, or both). The only place that knows every adapter.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Gauge, Registry, Counter, Histogram, collectDefaultMetrics } from 'prom-client';
import type { FastifyServerOptions } from 'fastify';
import type { VigilConfig } from '../config/config.js';
import { BOOTSTRAP_TOKEN_ID, BOOTSTRAP_USER_EMAIL, hashSecret } from '../core/auth/auth.js';
import { createConfigAsCode, type ConfigSection } from '../core/config-as-code/config-as-code.js';
import { systemClock, type Clock } from '../core/shared/clock.js';
import { scryptHasher } from '../core/shared/passwords.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos } from '../core/shared/ports.js';
import { createPublisher, type Subscriptions } from '../core/shared/publish.js';
import { PAGE_ACKNOWLEDGED_JOB, PAGE_UNREACHED_JOB } from '../core/notifications/pages.js';
import { buildUser, insertUser } from '../core/users/users.js';
import { Engine, kindHandlers } from '../engine/engine.js';
import type { KindHandlers, Reconciler } from '../engine/types.js';
import { buildHttpApp } from '../http/app.js';
import type { App, HttpDeps } from '../http/types.js';
import { openDatabase, type Database } from '../storage/database.js';
import type { ModuleContext, VigilModule } from './modules.js';
import type { SlackHandlers } from '../core/notifications/slack-app.js';
import { defaultModules } from './registry.js';
import { migrateToLatest, migrationsApplied } from '../storage/migrations/index.js';
import { createUnitOfWork, runExclusive } from '../storage/unit-of-work.js';
import { IntakeQueue } from '../storage/intake-queue.js';
import { DomainError, invalid } from '../core/shared/errors.js';
import { applyIntakeEntry, loadIntakeTarget, recordIntakeFailure, type IntakeEntry, type IntakeOutcome, type IntakeTarget } from '../integrations/inbound/intake-entries.js';

export const VERSION = '0.1.0';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_ROOT = join(here, '..', '..', 'web', 'dist');

export interface VigilOptions {
  config: VigilConfig;
  clock?: Clock;
  /** Fastify/pino logger options; false for silence. */
  logger?: FastifyServerOptions['logger'];
  webRoot?: string;
  /** Tests drive the engine by hand with a fake clock (no timers). */
  manualEngine?: boolean;
  /** scrypt cost; tests lower it. */
  passwordCost?: number;
  /** The domain modules to run (default: {@link defaultModules}). */
  modules?: VigilModule[];
}

export interface Vigil {
  config: VigilConfig;
  database: Database;
  core: CoreDeps;
  engine: Engine;
  http: App;
  metrics: Registry;
  /** Events accepted by the intake endpoints, applied in order. */
  intake: IntakeQueue<IntakeEntry, IntakeOutcome>;
  /** Set when this start created the first admin: the password to print once. */
  initialAdmin?: { email: string; password: string };
  /** Listens on the configured port (API role) and starts the engine (engine role). */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export async function createVigil(options: VigilOptions): Promise<Vigil> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db, database.dialect);
  } catch (err) {
    await database.close();
    throw err;
  }

  // The engine is built below; until then there is nothing to wake.
  let wakeEngine: (runAt: number) => void = () => undefined;
  const uow = createUnitOfWork(database, clock, { onJobsCommitted: (runAt) => wakeEngine(runAt) });
  const modules = options.modules ?? defaultModules(config);
  const subscriptions: Subscriptions = {};
  for (const m of modules) for (const [type, kinds] of Object.entries(m.subscriptions ?? {})) (subscriptions[type] ??= []).push(...kinds);
  const core: CoreDeps = { uow, clock, passwords: scryptHasher(options.passwordCost), publish: createPublisher(subscriptions) };

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'vigil_process_' });

  const moduleCtx: ModuleContext = { config, core, database };
  const handlers: KindHandlers = Object.assign({}, ...modules.map((m) => m.jobHandlers?.(moduleCtx) ?? {}));
  const pageAckHandlers = Object.assign({}, ...modules.map((m) => m.pageAcknowledged?.(moduleCtx) ?? {})) as ReturnType<NonNullable<VigilModule['pageAcknowledged']>>;
  handlers[PAGE_ACKNOWLEDGED_JOB] = async (job) => {
    const p = job.payload;
    await pageAckHandlers[p.sourceType]?.(p);
  };
  // A page that reached nobody: what it was about reacts (marks, escalates, posts), then it is counted.
  const pagesUnreached = new Counter({
    name: 'vigil_pages_unreached_total',
    help: 'Pages that reached nobody (no usable contact method, or every channel failed), by what they were about and why',
    labelNames: ['source', 'reason'],
    registers: [metrics],
  });
  const pageUnreachedHandlers = Object.assign({}, ...modules.map((m) => m.pageUnreached?.(moduleCtx) ?? {})) as ReturnType<NonNullable<VigilModule['pageUnreached']>>;
  handlers[PAGE_UNREACHED_JOB] = async (job) => {
    const p = job.payload;
    if (p.sourceId) await pageUnreachedHandlers[p.sourceType]?.(p);
    pagesUnreached.inc({ source: p.sourceType, reason: p.reason });
  };
  const reconcilers: Reconciler[] = modules.flatMap((m) => m.reconcilers?.(moduleCtx) ?? []);
  const sections: ConfigSection[] = modules.flatMap((m) => m.configSections ?? []);

  const jobRuns = new Counter({ name: 'vigil_jobs_finished_total', help: 'Jobs run by this process, by outcome', labelNames: ['kind', 'outcome'], registers: [metrics] });
  const jobLateness = new Histogram({
    name: 'vigil_job_start_lateness_seconds',
    help: 'How late a job started after its run_at',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [metrics],
  });
  const eng = new Engine({
    database,
    clock,
    handlers: kindHandlers(handlers),
    reconcilers,
    nodeId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    concurrency: config.engine.concurrency,
    leaseMs: config.engine.leaseMs,
    reconcileIntervalMs: config.engine.reconcileIntervalMs,
    manual: options.manualEngine ?? false,
    onJobFinished: (info) => {
      jobRuns.inc({ kind: info.kind, outcome: info.outcome });
      jobLateness.observe({ kind: info.kind }, Math.max(0, info.lateMs) / 1000);
    },
  });
  wakeEngine = (runAt) => eng.wake(runAt);
  new Gauge({
    name: 'vigil_jobs_queue',
    help: 'Jobs in the queue by state (pending, running, failed, due now)',
    labelNames: ['state'],
    registers: [metrics],
    async collect() {
      const s = await eng.stats();
      this.set({ state: 'pending' }, s.pending);
      this.set({ state: 'running' }, s.running);
      this.set({ state: 'failed' }, s.failed);
      this.set({ state: 'due' }, s.dueNow);
    },
  });
  new Gauge({
    name: 'vigil_jobs_lag_seconds',
    help: 'How far behind the oldest due job is',
    registers: [metrics],
    async collect() {
      this.set((await eng.stats()).oldestDueLagMs / 1000);
    },
  });

  const initialAdmin = await ensureIdentity(core, config, (fn) => runExclusive(database, clock, 'vigil:identity', fn));

  let logError: (err: unknown, msg: string) => void = () => undefined;
  const applyContext = () => ({ now: clock.now(), publicUrl: config.publicUrl });
  const intake = new IntakeQueue<IntakeEntry, IntakeOutcome>({
    database,
    clock,
    maxBacklog: config.intake.maxBacklog,
    async apply(r, integrationId, entry, cache) {
      let target = cache.get(integrationId) as IntakeTarget | undefined;
      if (!target) {
        target = await loadIntakeTarget(r, integrationId);
        if (!target) throw invalid('integration_gone', 'The integration was deleted before its event was applied.');
        cache.set(integrationId, target);
      }
      return applyIntakeEntry(r, applyContext(), target, entry);
    },
    recordFailure: (r, integrationId, entry, err) => recordIntakeFailure(r, applyContext(), integrationId, entry, err),
    onJobsCommitted: (runAt) => wakeEngine(runAt),
    onError: (err) => {
      if (!(err instanceof DomainError)) logError(err, 'intake: an event could not be applied');
    },
  });

  new Gauge({
    name: 'vigil_intake_queue',
    help: 'Intake events committed and not yet applied (count, and age of the oldest in seconds)',
    labelNames: ['measure'],
    registers: [metrics],
    async collect() {
      const row = await database.db
        .selectFrom('intake_queue')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('received_at').as('oldest')])
        .executeTakeFirst();
      this.set({ measure: 'waiting' }, Number(row?.n ?? 0));
      this.set({ measure: 'oldest_age_seconds' }, row?.oldest ? Math.max(0, clock.now() - Number(row.oldest)) / 1000 : 0);
    },
  });

  new Gauge({
    name: 'vigil_delivery_channel_degraded',
    help: 'Whether deliveries of a channel type are failing (1: some address is being retried), by channel',
    labelNames: ['channel'],
    registers: [metrics],
    async collect() {
      const rows = await database.db.selectFrom('delivery_lanes').select('lane').where('failures', '>', 0).execute();
      const degraded = new Set(rows.map((r) => r.lane.slice(0, r.lane.indexOf(':'))));
      for (const channel of ['slack_dm', 'slack_channel', 'email', 'sms', 'voice', 'webhook']) this.set({ channel }, degraded.has(channel) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vigil_delivery_pending',
    help: 'Messages waiting in the outbox, by channel (count, and age of the oldest in seconds)',
    labelNames: ['channel', 'measure'],
    registers: [metrics],
    async collect() {
      const rows = await database.db
        .selectFrom('deliveries')
        .select((eb) => ['channel', eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('status', '=', 'pending')
        .groupBy('channel')
        .execute();
      const by = new Map(rows.map((r) => [r.channel, r]));
      for (const channel of ['slack_dm', 'slack_channel', 'email', 'sms', 'voice', 'webhook']) {
        const r = by.get(channel);
        this.set({ channel, measure: 'waiting' }, Number(r?.n ?? 0));
        this.set({ channel, measure: 'oldest_age_seconds' }, r?.oldest ? Math.max(0, clock.now() - Number(r.oldest)) / 1000 : 0);
      }
    },
  });

  const httpDeps: HttpDeps = {
    core,
    config: {
      publicUrl: config.publicUrl,
      secureCookies: config.secureCookies,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      signIn: config.signIn,
      logLevel: config.logLevel,
      version: VERSION,
      intakeRatePerSecond: config.intake.ratePerSecond,
      intakeBurst: config.intake.burst,
    },
    metrics,
    intake,
    configAsCode: createConfigAsCode(core, sections),
    webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    routes: modules.flatMap((m) => m.routes ?? []),
    ...slackDeps(modules, moduleCtx),
    async checkReady() {
      const problems: string[] = [];
      try {
        await sql`select 1`.execute(database.db);
        if (!(await migrationsApplied(database.db, database.dialect))) problems.push('migrations: not all applied');
      } catch (err) {
        problems.push(`database: ${(err as Error).message}`);
      }
      return { ok: problems.length === 0, problems };
    },
  };
  const http = await buildHttpApp(httpDeps, {
    logger:
      options.logger ??
      (config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.token'], censor: '[redacted]' },
          }),
  });
  logError = (err, msg) => http.log.error({ err }, msg);

  let started = false;
  return {
    config,
    database,
    core,
    engine: eng,
    http,
    metrics,
    intake,
    ...(initialAdmin ? { initialAdmin } : {}),
    async start() {
      started = true;
      intake.start();
      if (config.role !== 'api') await eng.start();
      if (config.role === 'engine') return { url: '' };
      const address = await http.listen({ port: config.port, host: config.host });
      return { url: address };
    },
    async stop() {
      await http.close();
      await intake.stop();
      if (started) await eng.stop();
      await database.close();
    },
  };
}

/** The Slack app: one module's plumbing and every module's commands and actions. */
function slackDeps(modules: VigilModule[], ctx: ModuleContext): Pick<HttpDeps, 'slack'> {
  const app = modules.find((m) => m.slackApp)?.slackApp?.(ctx);
  if (!app) return {};
  const handlers: SlackHandlers = { commands: {}, actions: {} };
  for (const m of modules) {
    const h = m.slackHandlers?.(ctx);
    Object.assign(handlers.commands, h?.commands ?? {});
    Object.assign(handlers.actions, h?.actions ?? {});
  }
  return { slack: { ...app, handlers } };
}

/**
 * Makes sure someone can sign in: the bootstrap token (when configured) and, on a fresh database,
 * a first admin with a generated password that the caller prints once. Processes starting together
 * do this one at a time (`exclusive`), so exactly one of them creates each.
 */
async function ensureIdentity(
  core: CoreDeps,
  config: VigilConfig,
  exclusive: <T>(fn: (r: Repos) => Promise<T>) => Promise<T>,
): Promise<{ email: string; password: string } | undefined> {
  const now = core.clock.now();
  if (config.bootstrapToken) {
    const hash = hashSecret(config.bootstrapToken);
    await exclusive(async (r) => {
      let user = await r.users.findByEmail(BOOTSTRAP_USER_EMAIL);
      if (!user) {
        user = buildUser({ name: 'Vigil automation', email: BOOTSTRAP_USER_EMAIL, role: 'admin' }, now);
        await insertUser(r, SYSTEM_ACTOR, user, null);
      }
      const token = await r.tokens.findById(BOOTSTRAP_TOKEN_ID);
      if (!token) {
        await r.tokens.insert(
          { id: BOOTSTRAP_TOKEN_ID, userId: user.id, name: 'bootstrap (VIGIL_BOOTSTRAP_TOKEN)', scopes: ['read', 'write', 'admin'], createdAt: now, lastUsedAt: null, expiresAt: null, revokedAt: null },
          hash,
        );
      } else {
        await r.tokens.setHash(BOOTSTRAP_TOKEN_ID, hash);
      }
    });
  }
  const countHumans = async (r: Repos) => (await r.users.list({ includeInactive: true })).filter((u) => u.email !== BOOTSTRAP_USER_EMAIL).length;
  if ((await core.uow.run(countHumans)) > 0) return undefined;
  // Hashed before taking the lock: scrypt is slow, and the lock is held only to check and insert.
  const password = randomBytes(12).toString('base64url');
  const email = 'admin@localhost';
  const hash = await core.passwords.hash(password);
  const created = await exclusive(async (r) => {
    if ((await countHumans(r)) > 0) return false;
    await insertUser(r, SYSTEM_ACTOR, buildUser({ name: 'Administrator', email, role: 'admin' }, now), hash);
    return true;
  });
  return created ? { email, password } : undefined;
}
