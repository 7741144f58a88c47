/**
 * Every job kind Vigil enqueues, with the payload its handler reads. The kind strings are stored in
 * `jobs.kind`: never rename one (rows in existing databases carry it).
 *
 * `JobSpec` is typed by kind, so enqueueing a wrong payload is a type error. The schemas are compiled
 * once; the job queue checks a payload when it is enqueued and the engine checks it again before the
 * handler runs (a row written by an older version, or by hand, fails with a clear error). Fields a
 * schema does not name are allowed, so a payload may carry more than its handler reads.
 *
 * This file imports nothing from the domains, so every domain may import it.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

// Kinds. The domains re-export the ones they enqueue or handle.
export const HANDOFF_JOB = 'schedule.handoff';
export const RUNNING_SHIFT_JOB = 'schedule.running_shift';
export const REMINDER_JOB = 'schedule.shift_reminder';
export const UPDATE_REMINDER_JOB = 'incident.update_reminder';
export const CHANNEL_JOB = 'incident.slack_channel';
export const POSTMORTEM_JOB = 'incident.postmortem_needed';
export const JIRA_DONE_JOB = 'backlog.jira_done';
export const JIRA_SYNC_JOB = 'backlog.jira_sync';
export const FLUSH_JOB = 'delivery.flush';
export const PAGE_FAILOVER_JOB = 'page.failover';
export const PAGE_STEP_JOB = 'page.step';
export const PAGE_ACKNOWLEDGED_JOB = 'page.acknowledged';
export const PAGE_UNREACHED_JOB = 'page.unreached';
export const VERIFY_JOB = 'notifications.send_verification';
export const CONTACTS_IMPORTED_JOB = 'notifications.contacts_imported';
export const POSTMORTEM_REMINDER_JOB = 'postmortem.reminder';
export const ACTION_ITEM_TICKET_JOB = 'postmortem.action_item_ticket';
export const REPORT_REMINDER_JOB = 'report.reminder';
export const REPORT_DRAFT_JOB = 'report.draft';
export const ESCALATE_JOB = 'alert.escalate';
export const STORM_JOB = 'alert.storm_summary';
export const SNOOZE_END_JOB = 'alert.snooze_end';
export const HEARTBEAT_JOB = 'heartbeat.check';
export const SENTRY_SYNC_JOB = 'triage.sentry_sync';
export const NOTION_SYNC_JOB = 'notion.sync';
export const USERGROUP_SYNC_JOB = 'slack.usergroup_sync';
export const HANDOFF_ANNOUNCE_JOB = 'notify.handoff_announce';
export const SHIFT_REMINDER_NOTIFY_JOB = 'notify.shift_reminder';
export const SWAP_REQUESTED_NOTIFY_JOB = 'notify.swap_requested';
export const SWAP_ACCEPTED_NOTIFY_JOB = 'notify.swap_accepted';

const Id = Type.String();
/** Epoch milliseconds. */
const Ms = Type.Number();
const Ids = Type.Array(Type.String());
const Actor = Type.Object({ type: Type.Union([Type.Literal('user'), Type.Literal('system'), Type.Literal('integration')]), id: Type.Union([Type.String(), Type.Null()]) });

/** Kind -> payload schema. */
export const JOB_PAYLOADS = {
  [HANDOFF_JOB]: Type.Object({ scheduleId: Id }),
  /** `changeId` names the change; rows without one use the job id. */
  [RUNNING_SHIFT_JOB]: Type.Object({ scheduleId: Id, changeId: Type.Optional(Type.String()) }),
  [REMINDER_JOB]: Type.Object({ scheduleId: Id, userId: Id, start: Ms, end: Ms }),
  [UPDATE_REMINDER_JOB]: Type.Object({ incidentId: Id, lastUpdateAt: Ms, stage: Type.Integer() }),
  [CHANNEL_JOB]: Type.Object({ incidentId: Id }),
  [POSTMORTEM_JOB]: Type.Object({ incidentId: Id }),
  [JIRA_DONE_JOB]: Type.Object({ taskId: Id, key: Type.String() }),
  [JIRA_SYNC_JOB]: Type.Object({}),
  [FLUSH_JOB]: Type.Object({ lane: Type.String() }),
  [PAGE_FAILOVER_JOB]: Type.Object({ pageId: Id, deliveryId: Id }),
  [PAGE_STEP_JOB]: Type.Object({ pageId: Id, contactMethodId: Id, ruleId: Type.String() }),
  [PAGE_ACKNOWLEDGED_JOB]: Type.Object({ pageId: Id, sourceType: Type.String(), sourceId: Id, userId: Id, actor: Actor, via: Type.String() }),
  [PAGE_UNREACHED_JOB]: Type.Object({
    pageId: Id,
    sourceType: Type.String(),
    sourceId: Type.Union([Id, Type.Null()]),
    userId: Id,
    reason: Type.Union([Type.Literal('no_contact_method'), Type.Literal('channels_failed')]),
    detail: Type.String(),
  }),
  [VERIFY_JOB]: Type.Object({ contactMethodId: Id, code: Type.String(), link: Type.Optional(Type.String()) }),
  [CONTACTS_IMPORTED_JOB]: Type.Object({ userId: Id, importedFrom: Type.String(), contactMethodIds: Ids, rules: Type.Integer(), reverify: Type.Boolean() }),
  [POSTMORTEM_REMINDER_JOB]: Type.Object({ postmortemId: Id, dueAt: Type.Optional(Ms) }),
  [ACTION_ITEM_TICKET_JOB]: Type.Object({ actionItemId: Id }),
  [REPORT_REMINDER_JOB]: Type.Object({ reportId: Id }),
  /** Subscribed to `shift.started`. */
  [REPORT_DRAFT_JOB]: Type.Object({ scheduleId: Id, userId: Id, at: Ms }),
  [ESCALATE_JOB]: Type.Object({ alertId: Id, step: Type.Integer(), round: Type.Integer() }),
  [STORM_JOB]: Type.Object({ serviceId: Id, since: Ms }),
  [SNOOZE_END_JOB]: Type.Object({ alertId: Id, until: Ms }),
  [HEARTBEAT_JOB]: Type.Object({ heartbeatId: Id }),
  [SENTRY_SYNC_JOB]: Type.Object({
    itemId: Id,
    change: Type.Object({
      status: Type.Optional(Type.Union([Type.Literal('resolved'), Type.Literal('ignored')])),
      ignoreDurationMinutes: Type.Optional(Type.Number()),
      assignedTo: Type.Optional(Type.String()),
    }),
  }),
  /** Subscribed to `postmortem.changed` and `report.sent` (`entityType`, `entityId`); older rows name `postmortemId` or `reportId`. */
  [NOTION_SYNC_JOB]: Type.Object({
    entityType: Type.Optional(Type.String()),
    entityId: Type.Optional(Id),
    postmortemId: Type.Optional(Id),
    reportId: Type.Optional(Id),
  }),
  /** Subscribed to `schedule.handoff` and `schedule.changed`. */
  [USERGROUP_SYNC_JOB]: Type.Object({ scheduleId: Id }),
  /** Subscribed to `schedule.handoff`. */
  [HANDOFF_ANNOUNCE_JOB]: Type.Object({ scheduleId: Id, scheduleName: Type.String(), from: Ids, to: Ids, at: Ms }),
  /** Subscribed to `shift.reminder`. */
  [SHIFT_REMINDER_NOTIFY_JOB]: Type.Object({ scheduleId: Id, scheduleName: Type.String(), userId: Id, start: Ms, end: Ms }),
  /** Subscribed to `swap.requested`. */
  [SWAP_REQUESTED_NOTIFY_JOB]: Type.Object({
    swapId: Id,
    scheduleId: Id,
    scheduleName: Type.String(),
    teamId: Id,
    requesterId: Id,
    start: Ms,
    end: Ms,
    note: Type.String(),
  }),
  /** Subscribed to `swap.accepted`. */
  [SWAP_ACCEPTED_NOTIFY_JOB]: Type.Object({ scheduleId: Id, scheduleName: Type.String(), requesterId: Id, takerId: Id, start: Ms, end: Ms }),
} satisfies Record<string, TSchema>;

type Payloads = typeof JOB_PAYLOADS;
export type JobKind = keyof Payloads;
export type JobPayload<K extends JobKind> = Static<Payloads[K]>;

interface JobOptions {
  /** Epoch ms; defaults to now. */
  runAt?: number;
  /** A job with the same dedupe key is enqueued at most once. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** A job to enqueue, typed by its kind: `payload` may be left out only where the kind's payload has no required field. */
export type JobSpec = {
  [K in JobKind]: { kind: K } & (Partial<JobPayload<K>> extends JobPayload<K> ? { payload?: JobPayload<K> } : { payload: JobPayload<K> }) & JobOptions;
}[JobKind];

const checks: { [K in JobKind]: TypeCheck<Payloads[K]> } = Object.fromEntries(
  Object.entries(JOB_PAYLOADS).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema)]),
) as { [K in JobKind]: TypeCheck<Payloads[K]> };

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(checks, kind);
}

/** Why `payload` is not a valid payload of `kind` ("/alertId: Expected string"), or undefined when it is. */
export function jobPayloadProblem(kind: JobKind, payload: unknown): string | undefined {
  const check: TypeCheck<TSchema> = checks[kind];
  if (check.Check(payload)) return undefined;
  const first = check.Errors(payload).First();
  return first ? `${first.path || '/'}: ${first.message}` : 'does not match its schema';
}

export class InvalidJobPayloadError extends Error {
  constructor(
    readonly kind: string,
    readonly problem: string,
  ) {
    super(`Invalid payload for job kind "${kind}": ${problem}`);
    this.name = 'InvalidJobPayloadError';
  }
}

/** Throws {@link InvalidJobPayloadError} unless `payload` is a valid payload of `kind`. */
export function assertJobPayload(kind: JobKind, payload: unknown): void {
  const problem = jobPayloadProblem(kind, payload);
  if (problem !== undefined) throw new InvalidJobPayloadError(kind, problem);
}

/**
 * A job whose payload is only known at run time (a domain event's data, for the kinds subscribed to
 * it), checked now: throws {@link InvalidJobPayloadError} when the payload does not fit the kind.
 */
export function checkedJobSpec(kind: JobKind, payload: Record<string, unknown>, options: JobOptions = {}): JobSpec {
  assertJobPayload(kind, payload);
  return { kind, payload, ...options } as JobSpec;
}
