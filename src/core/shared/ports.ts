/**
 * The ports core use cases need. Storage implements them; `app/` wires them in.
 * Every use case reaches repositories only through a unit of work, so its state changes,
 * timeline events and jobs commit together.
 *
 * This file imports no domain: each domain adds its repository to `Repos` where it declares it
 * (`declare module '../shared/ports.js' { interface Repos { users: UsersRepo } }`), so the domains
 * import these ports without an import cycle.
 */
import type { Clock } from './clock.js';
import type { JobSpec } from './jobs.js';

export type ActorType = 'user' | 'system' | 'integration';

export interface Actor {
  type: ActorType;
  id: string | null;
}

/** Vigil itself: engine jobs, reconcilers, start-up. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: null });

export interface TimelineEvent {
  id: string;
  entityType: string;
  entityId: string;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
  at: number;
}

export interface EventsRepo {
  append(event: Omit<TimelineEvent, 'id' | 'at'> & { at?: number }): Promise<TimelineEvent>;
  list(entityType: string, entityId: string, options?: { limit?: number; afterSeq?: number }): Promise<TimelineEvent[]>;
}

/** A job to enqueue, typed by kind (see jobs.ts). */
export type { JobSpec } from './jobs.js';

export interface JobQueue {
  /**
   * Enqueues in the current transaction; `created` is false when the dedupe key already existed.
   * Throws `InvalidJobPayloadError` when the payload does not fit its kind.
   */
  enqueue(job: JobSpec): Promise<{ id: string | null; created: boolean }>;
  /** Cancels pending jobs with this dedupe key prefix (e.g. the next escalation step). */
  cancelPending(dedupeKeyPrefix: string): Promise<number>;
}

export interface SettingsRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/**
 * Every repository, bound to one transaction. The shared ones are here; each domain adds its own
 * (users, teams, tokens, sessions, signIn, verifications, schedules, notifications, alerts, incidents,
 * postmortems, reports, triage, backlog, audit, onboarding) next to its repository interface.
 */
export interface Repos {
  events: EventsRepo;
  jobs: JobQueue;
  settings: SettingsRepo;
}

export interface UnitOfWork {
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  run<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
}

/** What every use case is given. */
export interface CoreDeps {
  uow: UnitOfWork;
  clock: Clock;
  passwords: PasswordHasher;
  /** Publishes a domain event to the job kinds subscribed to it (see publish.ts). */
  publish: Publisher;
}

/** Publishes a domain event: one job per subscribed kind, in the transaction of `r` (see publish.ts). */
export type Publisher = (r: Repos, type: string, payload: Record<string, unknown>, key: string) => Promise<void>;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}
