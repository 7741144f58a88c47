/**
 * The unit of work: one transaction, every repository bound to it. Jobs enqueued inside it wake
 * the engine after commit (in this process directly, in other processes through NOTIFY).
 */
import type { Clock } from '../core/shared/clock.js';
import type { Repos, UnitOfWork } from '../core/shared/ports.js';
import { sql } from 'kysely';
import type { Database, Dialect, Executor } from './database.js';
import { sessionsRepo, tokensRepo } from './repositories/auth.js';
import { signInThrottleRepo, verificationsRepo } from './repositories/sign-in.js';
import { eventsRepo, settingsRepo, type BufferedEvents } from './repositories/events.js';
import { jobQueue } from './repositories/jobs.js';
import { teamsRepo } from './repositories/teams.js';
import { usersRepo } from './repositories/users.js';
import { schedulesRepo } from './repositories/schedules.js';
import { notificationsRepo } from './repositories/notifications.js';
import { alertsRepo } from './repositories/alerts.js';
import { incidentsRepo } from './repositories/incidents.js';
import { postmortemsRepo } from './repositories/postmortems.js';
import { reportsRepo } from './repositories/reports.js';
import { triageRepo } from './repositories/triage.js';
import { backlogRepo } from './repositories/backlog.js';
import { auditRepo } from './repositories/audit.js';
import { onboardingRepo } from './repositories/onboarding.js';

export const JOBS_CHANNEL = 'vigil_jobs';

/** Writes the timeline rows a unit of work appended and has not written yet (before commit, before a savepoint ends). */
export const flushEvents = (repos: Repos): Promise<void> => (repos.events as BufferedEvents).flush();
/** A mark in the timeline rows not written yet, taken when a savepoint starts. */
export const markEvents = (repos: Repos): number => (repos.events as BufferedEvents).mark();
/** Forgets the timeline rows appended after `mark` (their savepoint was rolled back). */
export const discardEvents = (repos: Repos, mark: number): void => (repos.events as BufferedEvents).discard(mark);

export function createRepos(db: Executor, dialect: Dialect, clock: Clock, onEnqueued: (runAt: number) => void = () => undefined): Repos {
  return {
    users: usersRepo(db),
    teams: teamsRepo(db),
    tokens: tokensRepo(db),
    sessions: sessionsRepo(db),
    signIn: signInThrottleRepo(db),
    verifications: verificationsRepo(db),
    events: eventsRepo(db, clock),
    jobs: jobQueue(db, clock, onEnqueued),
    settings: settingsRepo(db, clock),
    schedules: schedulesRepo(db, dialect),
    notifications: notificationsRepo(db, dialect),
    alerts: alertsRepo(db, dialect),
    incidents: incidentsRepo(db, dialect),
    postmortems: postmortemsRepo(db, dialect),
    reports: reportsRepo(db),
    triage: triageRepo(db, dialect),
    backlog: backlogRepo(db, dialect),
    audit: auditRepo(db, clock),
    onboarding: onboardingRepo(db),
  };
}

export interface UnitOfWorkOptions {
  /** Called after commit with the earliest run time of the jobs the transaction enqueued. */
  onJobsCommitted?: (earliestRunAt: number) => void;
}

export function createUnitOfWork(database: Database, clock: Clock, options: UnitOfWorkOptions = {}): UnitOfWork {
  return {
    async run(fn) {
      let earliest: number | undefined;
      const result = await database.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx, database.dialect, clock, (runAt) => {
          earliest = earliest === undefined ? runAt : Math.min(earliest, runAt);
        });
        const value = await fn(repos);
        await flushEvents(repos);
        if (earliest !== undefined && database.dialect === 'postgres') {
          await database.notify(trx, JOBS_CHANNEL, String(earliest));
        }
        return value;
      });
      if (earliest !== undefined) options.onJobsCommitted?.(earliest);
      return result;
    },
  };
}

/**
 * One transaction that holds the lock `name` across every process on the database, so that
 * check-then-insert work (the first admin, the bootstrap token) runs once even when several processes
 * start together. PostgreSQL: a transaction-level advisory lock; SQLite has a single writer process.
 */
export async function runExclusive<T>(database: Database, clock: Clock, name: string, fn: (r: Repos) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (trx) => {
    if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
    const repos = createRepos(trx, database.dialect, clock);
    const value = await fn(repos);
    await flushEvents(repos);
    return value;
  });
}
