/**
 * The ports core use cases need. Storage implements them; `app/` wires them in.
 * Every use case reaches repositories only through a unit of work, so its state changes,
 * timeline events and jobs commit together.
 */
import type { SignInThrottleRepo } from '../auth/throttle.js';
import type { VerificationsRepo } from '../users/verification.js';
import type { Clock } from './clock.js';
import type { UsersRepo } from '../users/users.js';
import type { TeamsRepo } from '../teams/teams.js';
import type { TokensRepo, SessionsRepo } from '../auth/auth.js';
import type { SchedulesRepo } from '../schedules/schedules.js';
import type { NotificationsRepo } from '../notifications/notifications.js';
import type { AlertsRepo } from '../alerts/model.js';
import type { IncidentsRepo } from '../incidents/incidents.js';
import type { PostmortemsRepo } from '../postmortems/postmortems.js';
import type { ReportsRepo } from '../reports/reports.js';
import type { TriageRepo } from '../triage/triage.js';
import type { BacklogRepo } from '../backlog/backlog.js';
import type { OnboardingRepo } from '../users/invites.js';
import type { Publisher } from './publish.js';
import type { AuditRepo } from '../audit/audit.js';
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

/** Every repository, bound to one transaction. Later domains add theirs here. */
export interface Repos {
  users: UsersRepo;
  teams: TeamsRepo;
  tokens: TokensRepo;
  sessions: SessionsRepo;
  signIn: SignInThrottleRepo;
  verifications: VerificationsRepo;
  events: EventsRepo;
  jobs: JobQueue;
  settings: SettingsRepo;
  schedules: SchedulesRepo;
  notifications: NotificationsRepo;
  alerts: AlertsRepo;
  incidents: IncidentsRepo;
  postmortems: PostmortemsRepo;
  reports: ReportsRepo;
  triage: TriageRepo;
  backlog: BacklogRepo;
  audit: AuditRepo;
  /** Invites and contact-verification links. */
  onboarding: OnboardingRepo;
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

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}
