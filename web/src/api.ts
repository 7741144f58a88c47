/**
 * Typed client for the Vigil HTTP API (same origin, cookie session).
 *
 * Every failed call throws an ApiError carrying the server's {error:{code,message,details}}.
 * Add new resources as another group on `api` below, with their types next to it.
 */

export type Role = 'admin' | 'responder' | 'stakeholder';
export const ROLES: readonly Role[] = ['admin', 'responder', 'stakeholder'];

export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Epoch milliseconds (ISO strings are accepted by the formatters too). */
export type Timestamp = number | string;

export interface User {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  phone: string | null;
  slackUserId: string | null;
  role: Role;
  active: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UserInput {
  name: string;
  email: string;
  timeZone?: string;
  role?: Role;
  phone?: string;
  slackUserId?: string;
  password?: string;
}

export interface UserPatch {
  name?: string;
  email?: string;
  timeZone?: string;
  role?: Role;
  phone?: string | null;
  slackUserId?: string | null;
  active?: boolean;
  password?: string;
}

export interface Team {
  id: string;
  name: string;
  slug: string;
  description: string;
  leadUserId: string | null;
  memberIds: string[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface TeamInput {
  name: string;
  slug?: string;
  description?: string;
  leadUserId?: string | null;
  memberIds?: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Timestamp;
  lastUsedAt: Timestamp | null;
  expiresAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface TokenInput {
  name: string;
  scopes?: Scope[];
  expiresInDays?: number;
}

export interface Me {
  user: User;
  scopes: Scope[];
  /** Teams the user belongs to. */
  teams?: Team[];
  via?: 'session' | 'token';
}

export interface ListResponse<T> {
  data: T[];
}

/** An account or client address with recent failed sign-ins (admins). */
export interface SignInThrottleEntry {
  kind: 'account' | 'address';
  subject: string;
  failures: number;
  lockouts: number;
  lockedUntil: number | null;
  locked: boolean;
  lastFailureAt: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The form field the server blamed, when it named one (details.field). */
  get field(): string | undefined {
    const d = this.details;
    if (d && typeof d === 'object' && 'field' in d && typeof (d as { field: unknown }).field === 'string') {
      return (d as { field: string }).field;
    }
    return undefined;
  }
}

/** A readable message for anything thrown at a UI boundary. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const unauthenticatedListeners = new Set<() => void>();

/**
 * Called when an authenticated call comes back 401 (session expired or revoked elsewhere),
 * so the app can return to the sign-in page. Returns an unsubscribe function.
 */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  /** Do not broadcast a 401 to onUnauthenticated listeners (sign-in, /me). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (options.signal) init.signal = options.signal;

  let res: Response;
  try {
    res = await fetch(API_PREFIX + path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the Vigil server. Check your connection and try again.');
  }

  const text = await res.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }

  if (!res.ok) {
    const e = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof e?.code === 'string' ? e.code : `http_${res.status}`;
    const message = typeof e?.message === 'string' && e.message ? e.message : `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.';
    if (res.status === 401 && !options.quiet401) for (const l of unauthenticatedListeners) l();
    throw new ApiError(res.status, code, message, e?.details);
  }
  return payload as T;
}

// ---------------------------------------------------------------------------------------------
// Schedules. Instants in responses are epoch milliseconds; wall-clock fields ('HH:MM',
// 'YYYY-MM-DD', weekdays) are read in the schedule's IANA time zone.

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export type ShiftUnit = 'hour' | 'day' | 'week';

/** A daily window, e.g. 09:00–17:00, or 22:00–06:00 (ends the next day). */
export interface TimeOfDayRestriction {
  type: 'time_of_day';
  start: string;
  end: string;
}

/** A weekly window from startWeekday startTime to the next endWeekday endTime. */
export interface WeeklyRestriction {
  type: 'weekly';
  startWeekday: IsoWeekday;
  startTime: string;
  endWeekday: IsoWeekday;
  endTime: string;
}

export type Restriction = TimeOfDayRestriction | WeeklyRestriction;

/** A rotation layer. In a schedule, layers are listed lowest precedence first (a later layer wins). */
export interface Layer {
  id: string;
  name: string;
  /** User ids in rotation order (requests also accept emails). */
  participants: string[];
  shift: { unit: ShiftUnit; length: number };
  /** 'HH:MM' in the schedule's zone. */
  handoffTime: string;
  /** Weekly shifts only; defaults to the weekday of startDate. */
  handoffWeekday?: IsoWeekday | null;
  /** 'YYYY-MM-DD' in the schedule's zone. */
  startDate: string;
  /** Epoch ms the layer took effect (a rotation started "now"); nothing before it. */
  startAt?: number | null;
  endDate?: string | null;
  /** When non-empty, the layer only covers these windows. */
  restrictions?: Restriction[] | null;
  /** override (default): replaces the layers below where it has coverage; combine: on call together with them. */
  mode?: 'override' | 'combine' | null;
}

/** Without startDate the rotation starts now: the first shift begins at once. */
export type LayerInput = Omit<Layer, 'id' | 'startDate'> & { id?: string; startDate?: string };

export interface Schedule {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  /** IANA zone, e.g. Europe/Berlin. */
  timeZone: string;
  reminderMinutes: number;
  layers: Layer[];
  /** Slack user group that follows whoever is on call. */
  slackUserGroupId?: string | null;
  /** Slack channel where hand-offs and shift reports are posted. */
  slackHandoffChannel?: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ScheduleInput {
  name: string;
  /** Team id or slug. */
  teamId: string;
  timeZone: string;
  slug?: string;
  description?: string;
  reminderMinutes?: number;
  slackUserGroupId?: string | null;
  slackHandoffChannel?: string | null;
  layers?: LayerInput[];
}

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

/** A piece of the final (effective) schedule, or of one layer. */
export interface FinalShift {
  userId: string;
  user?: UserRef;
  start: number;
  end: number;
  source: 'rotation' | 'override';
  layerId?: string;
  overrideId?: string;
  /** For override pieces: who would have been on call without the override. */
  replacedUserId?: string;
}

export interface Interval {
  start: number;
  end: number;
}

export interface Override {
  id: string;
  scheduleId: string;
  userId: string;
  replacesUserId: string | null;
  /** Set when the override replaces only this layer's person. */
  layerId?: string | null;
  start: number;
  end: number;
  reason: string;
  swapRequestId: string | null;
  createdBy: string | null;
  createdAt: number;
}

export interface OverrideInput {
  /** Who covers: user id or email. */
  userId: string;
  start: number | string;
  end: number | string;
  /** Only replace this person (otherwise everyone on call in the window, gaps included). */
  replacesUserId?: string | null;
  /** Only replace this layer's person (layer id or name), where that layer is on call. */
  layerId?: string | null;
  reason?: string;
}

export interface ScheduleShifts {
  schedule: Schedule;
  from: number;
  to: number;
  final: FinalShift[];
  gaps: Interval[];
  layers: Array<{ id: string; name: string; shifts: FinalShift[] }>;
  overrides: Override[];
}

export interface OnCallNow {
  schedule: { id: string; slug: string; name: string; teamId: string; timeZone: string };
  /** Everyone on call now: several people where layers combine, each with the layer they are on call from. */
  onCall: Array<{ userId: string; user?: UserRef; until: number; source: FinalShift['source']; layerId?: string | null; layerName?: string | null }>;
  next: Array<{ userId: string; user?: UserRef; start: number; end: number }>;
  /** True when nobody is on call right now. */
  gap: boolean;
}

export type SwapStatus = 'open' | 'accepted' | 'cancelled';

export interface SwapRequest {
  id: string;
  scheduleId: string;
  requesterId: string;
  start: number;
  end: number;
  note: string;
  status: SwapStatus;
  takerId: string | null;
  overrideId: string | null;
  createdAt: number;
  resolvedAt: number | null;
}

export type MyShift = FinalShift & { scheduleId: string; scheduleName: string };

export interface CalendarFeed {
  id: string;
  kind: 'schedule' | 'user';
  targetId: string;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface TimelineEvent {
  id: string;
  type: string;
  actor: { type: string; id: string | null };
  data: Record<string, unknown>;
  at: number;
}

/** `?a=1&b=2` from the defined entries, or ''. */
function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------------------------------------
// Alerts, services, escalation policies. Instants are epoch milliseconds.

export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];
export type Urgency = 'high' | 'low';
export type AlertStatus = 'open' | 'acknowledged' | 'closed';
export type AlertStatusFilter = AlertStatus | 'unclosed';

export interface ServiceRef {
  id: string;
  slug: string;
  name: string;
}

export interface Alert {
  id: string;
  number: number;
  serviceId: string;
  integrationId: string | null;
  service?: ServiceRef;
  alias: string;
  status: AlertStatus;
  message: string;
  description: string;
  priority: Priority;
  urgency: Urgency;
  source: string;
  entity: string;
  tags: string[];
  details: Record<string, string>;
  links: Array<{ href: string; text?: string }>;
  count: number;
  firstAt: number;
  lastAt: number;
  acknowledgedAt: number | null;
  /** A user id, or the name an integration reported. */
  acknowledgedBy: string | null;
  closedAt: number | null;
  closedBy: string | null;
  snoozedUntil: number | null;
  ownerId: string | null;
  storm: boolean;
  incidentId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Someone a page did not reach: every channel failed, or no usable contact method. */
export interface NotReached {
  pageId: string;
  userId: string;
  name: string;
  reason: 'no_contact_method' | 'channels_failed';
  /** Readable, e.g. "no verified contact method". */
  detail: string;
  at: number;
}

export interface AlertQuery {
  status?: AlertStatusFilter;
  /** Service id or slug. */
  service?: string;
  team?: string;
  priority?: Priority;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface BulkResult {
  done: number;
  skipped: Array<{ id: string; reason: string }>;
}

export type TargetType = 'schedule' | 'user' | 'team' | 'slack_channel';
export interface EscalationTarget {
  type: TargetType;
  id: string;
}
export interface EscalationStep {
  /** Minutes before the next step (or round) when nobody acknowledges. */
  delayMinutes: number;
  targets: EscalationTarget[];
}
export interface EscalationPolicy {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  /** Rounds after the first (0: the steps run once). */
  repeat: number;
  steps: EscalationStep[];
  /** Steps that would notify nobody right now, and why. */
  warnings: string[];
  createdAt: number;
  updatedAt: number;
}
export interface PolicyInput {
  name: string;
  teamId: string;
  slug?: string;
  description?: string;
  repeat?: number;
  steps: EscalationStep[];
}

export interface Service {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  escalationPolicyId: string | null;
  alertsChannel: string | null;
  urgencyRule: Record<Priority, Urgency>;
  stormThreshold: number;
  createdAt: number;
  updatedAt: number;
}
export interface ServiceInput {
  name: string;
  teamId: string;
  slug?: string;
  description?: string;
  escalationPolicyId?: string | null;
  alertsChannel?: string | null;
  urgencyRule?: Partial<Record<Priority, Urgency>>;
  stormThreshold?: number;
}

export type IntegrationType = 'opsgenie' | 'pagerduty' | 'alertmanager' | 'grafana' | 'generic' | 'sentry';
export const INTEGRATION_TYPES: readonly IntegrationType[] = ['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'generic', 'sentry'];
export interface Integration {
  id: string;
  serviceId: string;
  name: string;
  type: IntegrationType;
  /** First and last characters of the key, e.g. `vgiP…c3XB`. */
  keyHint: string;
  disabled: boolean;
  createdAt: number;
  /** Where the tool sends alerts; `<key>` stands for the key. */
  intakeUrl: string;
}
export interface MaintenanceWindow {
  id: string;
  serviceId: string;
  start: number;
  end: number;
  reason: string;
  createdBy: string | null;
  createdAt: number;
}
export interface Heartbeat {
  id: string;
  serviceId: string;
  name: string;
  intervalSeconds: number;
  priority: Priority;
  enabled: boolean;
  lastPingAt: number | null;
  state: 'waiting' | 'ok' | 'expired';
  createdAt: number;
}
export interface ServiceDetail {
  service: Service;
  integrations: Integration[];
  maintenance: MaintenanceWindow[];
  heartbeats: Heartbeat[];
}

// ---------------------------------------------------------------------------------------------
// Notifications: contact methods, rules, quiet hours, the setup checklist, pages.

export type ContactType = 'slack_dm' | 'email' | 'sms' | 'voice' | 'webhook';
export const CONTACT_TYPES: readonly ContactType[] = ['slack_dm', 'email', 'sms', 'voice', 'webhook'];
export interface ContactMethod {
  id: string;
  userId: string;
  type: ContactType;
  address: string;
  label: string;
  verifiedAt: number | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}
export interface NotificationRule {
  id: string;
  userId: string;
  urgency: Urgency;
  contactMethodId: string;
  delayMinutes: number;
  createdAt: number;
}
export interface ChecklistItem {
  id: string;
  label: string;
  done: boolean;
  required: boolean;
  help: string;
}
export interface Checklist {
  complete: boolean;
  items: ChecklistItem[];
}
export type PageStatus = 'active' | 'acknowledged' | 'cancelled' | 'exhausted';
export interface PageRecord {
  id: string;
  userId: string;
  urgency: Urgency;
  subject: string;
  text: string;
  sourceType: string;
  sourceId: string | null;
  status: PageStatus;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedVia: string | null;
}
export interface ReadinessEntry {
  user: UserRef;
  nextShiftStart: number;
  scheduleName: string;
  /** Labels of required checklist items not done. */
  missing: string[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Incidents: severity levels (data), incident settings, incidents and their actions, insight.

export interface Severity {
  key: string;
  /** 0 is the most severe. */
  rank: number;
  name: string;
  definition: string;
  examples: string[];
  ackTargetMinutes: number;
  responseTargetMinutes: number;
  urgency: Urgency;
  escalationPolicy: string | null;
  updateCadenceMinutes: number;
  companyComms: boolean;
  postmortemRequired: boolean;
  postmortemEmailed: boolean;
  postmortemDueDays: number;
  stakeholderGroups: string[];
  incidentChannel: boolean;
  /** When to escalate (to a higher level, or to whom), in words. */
  whenToEscalate: string;
}
export type SeverityInput = Omit<Severity, 'key'>;

export interface IncidentSettings {
  companyEmail: string | null;
  /** Slack channel id (C…). */
  announcementsChannel: string | null;
  escalationContactUserId: string | null;
  securityOwnerUserId: string | null;
  securityChannel: string | null;
  /** Slack user group id (S…). */
  oncallUserGroup: string | null;
  triageGuidance: string;
}

export type IncidentStatus = 'triage' | 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'cancelled';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['triage', 'investigating', 'identified', 'monitoring', 'resolved', 'cancelled'];
export type IncidentRole = 'commander' | 'comms' | 'responder' | 'member' | 'subscriber';

export interface Incident {
  id: string;
  number: number;
  /** INC-42 */
  reference: string;
  title: string;
  summary: string;
  severity: string;
  status: IncidentStatus;
  private: boolean;
  commanderId: string | null;
  commsLeadId: string | null;
  declaredBy: string | null;
  serviceIds: string[];
  sourceType: string;
  sourceId: string | null;
  slackChannelId: string | null;
  startedAt: number;
  detectedAt: number;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  lastUpdateAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface IncidentQuery {
  /** `open` (not resolved or cancelled) or one status; omit for all. */
  status?: 'open' | IncidentStatus;
  severity?: string;
  /** Service id or slug. */
  service?: string;
  q?: string;
  limit?: number;
}

export interface DeclareInput {
  title: string;
  severity: string;
  summary?: string;
  serviceIds?: string[];
  alertIds?: string[];
  commanderId?: string;
  private?: boolean;
}

export interface TargetResult {
  /** Minutes from the start, or null when it has not happened. */
  minutes: number | null;
  /** null: not happened yet and still within the target. */
  met: boolean | null;
}

export interface IncidentDetail {
  incident: Incident;
  members: Array<{ userId: string; role: IncidentRole; addedAt: number; name: string }>;
  targets: { ack: TargetResult; response: TargetResult };
  severity: Severity;
  alerts: Alert[];
  timeline: TimelineEvent[];
  /** People a page of this incident (or of its alerts) did not reach. */
  notReached: NotReached[];
}

export type PageTargetType = 'user' | 'team' | 'policy' | 'schedule';

export interface InsightBucket {
  count: number;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
  medianTtrMinutes: number | null;
}
export interface Insights {
  from: number;
  to: number;
  total: InsightBucket;
  bySeverity: Record<string, InsightBucket>;
  byService: Record<string, InsightBucket>;
  byMonth: Record<string, InsightBucket>;
  /** Week start (Monday, YYYY-MM-DD, UTC) -> incidents. */
  perWeek: Record<string, number>;
  oncallLoad: Array<{ userId: string; name: string; pages: number; outOfHours: number }>;
}

// ---------------------------------------------------------------------------------------------
// Post-mortems and shift reports.

export const SECTION_KEYS = ['summary', 'impact', 'timeline', 'rootCause', 'contributingFactors', 'wentWell', 'wentBadly'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;
export type PostmortemStatus = 'draft' | 'in_review' | 'published';

export interface Postmortem {
  id: string;
  incidentId: string;
  title: string;
  status: PostmortemStatus;
  ownerId: string | null;
  dueAt: number | null;
  severity: string;
  serviceIds: string[];
  tags: string[];
  sections: Sections;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}

export interface ActionItem {
  id: string;
  postmortemId: string;
  title: string;
  ownerId: string;
  dueAt: number | null;
  status: 'open' | 'done';
  jiraKey: string | null;
  jiraUrl: string | null;
  jiraStatus: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PostmortemDetail {
  postmortem: Postmortem;
  actionItems: ActionItem[];
  comments: Array<{ id: string; authorId: string | null; body: string; at: number }>;
  revisions: Array<{ id: string; authorId: string | null; at: number }>;
  timeline: TimelineEvent[];
}

export interface PostmortemQuery {
  q?: string;
  service?: string;
  severity?: string;
  tag?: string;
  status?: PostmortemStatus;
}

export interface PostmortemPatch {
  title?: string;
  sections?: Partial<Sections>;
  tags?: string[];
  ownerId?: string;
  dueAt?: number | null;
}

export interface HandoverItem {
  text: string;
  done: boolean;
}

export interface ShiftReport {
  id: string;
  scheduleId: string;
  userId: string;
  shiftStart: number;
  shiftEnd: number | null;
  status: 'draft' | 'sent';
  notes: string;
  handover: HandoverItem[];
  previousReportId: string | null;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ReportIncidentRef {
  reference: string;
  id: string;
  title: string;
  severity: string;
  status: string;
}

export interface ReportContent {
  from: number;
  to: number;
  alerts: { total: number; byService: Array<{ service: string; count: number }>; noisiest: Array<{ number: number; message: string; count: number }>; pagesOutOfHours: number; pages: number };
  incidents: ReportIncidentRef[];
  stillOpen: ReportIncidentRef[];
  triage: Array<{ title: string; decision: string; at: number }>;
  backlogDone: Array<{ title: string; key: string | null; at: number }>;
  handover: HandoverItem[];
  notes: string;
}

export interface ReportDetail {
  report: ShiftReport;
  content: ReportContent;
  previous: { id: string; userId: string; sentAt: number | null; content: ReportContent | null } | null;
}

export interface ReportQuery {
  /** `me`, an email or a user id. */
  user?: string;
  /** Team slug or id. */
  team?: string;
  from?: string | number;
  to?: string | number;
  q?: string;
  status?: 'draft' | 'sent';
}

export interface AuditEntry {
  id: string;
  at: number;
  actor: { type: string; id: string | null };
  action: string;
  entityType: string;
  entityId: string;
  teamId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  entityType?: string;
  team?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

const enc = encodeURIComponent;

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  del: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),

  auth: {
    login: (email: string, password: string) => request<{ user: User }>('POST', '/auth/login', { email, password }, { quiet401: true }),
    logout: () => request<unknown>('POST', '/auth/logout', undefined, { quiet401: true }),
    me: () => request<Me>('GET', '/me', undefined, { quiet401: true }),
    signInThrottle: async () => (await request<ListResponse<SignInThrottleEntry>>('GET', '/auth/sign-in-throttle')).data,
    clearSignInThrottle: (kind: 'account' | 'address', subject: string) => request<void>('DELETE', `/auth/sign-in-throttle/${kind}/${enc(subject)}`),
  },

  me: {
    changePassword: (currentPassword: string, newPassword: string) => request<void>('POST', '/me/password', { currentPassword, newPassword }),
  },

  users: {
    list: async (options: { includeInactive?: boolean } = {}) =>
      (await request<ListResponse<User>>('GET', options.includeInactive ? '/users?includeInactive=true' : '/users')).data,
    create: (input: UserInput) => request<User>('POST', '/users', input),
    update: (id: string, patch: UserPatch) => request<User>('PATCH', `/users/${enc(id)}`, patch),
  },

  teams: {
    list: async () => (await request<ListResponse<Team>>('GET', '/teams')).data,
    create: (input: TeamInput) => request<Team>('POST', '/teams', input),
    update: (id: string, patch: Partial<TeamInput>) => request<Team>('PATCH', `/teams/${enc(id)}`, patch),
  },

  audit: {
    search: (q: AuditQuery = {}) => request<{ data: AuditEntry[]; total: number }>('GET', `/audit${query({ ...q })}`),
  },

  tokens: {
    list: async () => (await request<ListResponse<ApiToken>>('GET', '/tokens')).data,
    create: (input: TokenInput) => request<{ token: ApiToken; secret: string }>('POST', '/tokens', input),
    revoke: (id: string) => request<unknown>('DELETE', `/tokens/${enc(id)}`),
  },

  schedules: {
    list: async (options: { team?: string } = {}) => (await request<ListResponse<Schedule>>('GET', `/schedules${query({ team: options.team })}`)).data,
    get: (idOrSlug: string) => request<Schedule>('GET', `/schedules/${enc(idOrSlug)}`),
    create: (input: ScheduleInput) => request<Schedule>('POST', '/schedules', input),
    /** Layers, when given, replace the schedule's layers as a whole. */
    update: (idOrSlug: string, patch: Partial<ScheduleInput>) => request<Schedule>('PATCH', `/schedules/${enc(idOrSlug)}`, patch),
    remove: (idOrSlug: string) => request<void>('DELETE', `/schedules/${enc(idOrSlug)}`),
    shifts: (idOrSlug: string, from: number, to: number) => request<ScheduleShifts>('GET', `/schedules/${enc(idOrSlug)}/shifts${query({ from, to })}`),
    onCall: (idOrSlug: string) => request<OnCallNow>('GET', `/schedules/${enc(idOrSlug)}/oncall`),
    timeline: async (idOrSlug: string) => (await request<ListResponse<TimelineEvent>>('GET', `/schedules/${enc(idOrSlug)}/timeline`)).data,
    overrides: async (idOrSlug: string, range: { from?: number; to?: number } = {}) =>
      (await request<ListResponse<Override>>('GET', `/schedules/${enc(idOrSlug)}/overrides${query(range)}`)).data,
    addOverride: (idOrSlug: string, input: OverrideInput) => request<Override>('POST', `/schedules/${enc(idOrSlug)}/overrides`, input),
    removeOverride: (idOrSlug: string, overrideId: string) => request<void>('DELETE', `/schedules/${enc(idOrSlug)}/overrides/${enc(overrideId)}`),
    /** Offer one of your own shifts (or part of it) to others. */
    offerShift: (idOrSlug: string, input: { start: number; end: number; note?: string }) =>
      request<SwapRequest>('POST', `/schedules/${enc(idOrSlug)}/swaps`, input),
  },

  oncall: {
    list: async (options: { team?: string } = {}) => (await request<ListResponse<OnCallNow>>('GET', `/oncall${query({ team: options.team })}`)).data,
  },

  swaps: {
    list: async (options: { status?: SwapStatus; schedule?: string } = {}) => (await request<ListResponse<SwapRequest>>('GET', `/swaps${query(options)}`)).data,
    accept: (id: string) => request<{ swap: SwapRequest; override: Override }>('POST', `/swaps/${enc(id)}/accept`),
    cancel: (id: string) => request<SwapRequest>('POST', `/swaps/${enc(id)}/cancel`),
  },

  shifts: {
    /** The signed-in user's shifts across schedules (default: the next 30 days). */
    mine: async (range: { from?: number; to?: number } = {}) => (await request<ListResponse<MyShift>>('GET', `/users/me/shifts${query(range)}`)).data,
  },

  calendarFeeds: {
    list: async () => (await request<ListResponse<CalendarFeed>>('GET', '/calendar-feeds')).data,
    create: (target: { scheduleId: string } | { userId: 'me' }) => request<{ feed: CalendarFeed; url: string }>('POST', '/calendar-feeds', target),
    revoke: (id: string) => request<CalendarFeed>('DELETE', `/calendar-feeds/${enc(id)}`),
  },

  alerts: {
    list: (q: AlertQuery = {}, options?: RequestOptions) => request<{ data: Alert[]; total: number }>('GET', `/alerts${query({ ...q })}`, undefined, options),
    get: (id: string) => request<{ alert: Alert; timeline: TimelineEvent[]; notReached: NotReached[] }>('GET', `/alerts/${enc(id)}`),
    acknowledge: (id: string, note?: string) => request<Alert>('POST', `/alerts/${enc(id)}/acknowledge`, note ? { note } : {}),
    close: (id: string, note?: string) => request<Alert>('POST', `/alerts/${enc(id)}/close`, note ? { note } : {}),
    addNote: (id: string, note: string) => request<Alert>('POST', `/alerts/${enc(id)}/notes`, { note }),
    snooze: (id: string, endTime: number) => request<Alert>('POST', `/alerts/${enc(id)}/snooze`, { endTime }),
    escalate: (id: string) => request<Alert>('POST', `/alerts/${enc(id)}/escalate`, {}),
    /** Owner: user id or email. */
    assign: (id: string, owner: string) => request<Alert>('POST', `/alerts/${enc(id)}/assign`, { owner }),
    /** Pages the user. */
    addResponder: (id: string, user: string) => request<Alert>('POST', `/alerts/${enc(id)}/responders`, { user }),
    tags: (id: string, change: { add?: string[]; remove?: string[]; details?: Record<string, string>; removeDetails?: string[] }) =>
      request<Alert>('POST', `/alerts/${enc(id)}/tags`, change),
    bulk: (action: 'acknowledge' | 'close', ids: string[]) => request<BulkResult>('POST', '/alerts/bulk', { action, ids }),
  },

  services: {
    list: async () => (await request<ListResponse<Service>>('GET', '/services')).data,
    get: (idOrSlug: string) => request<ServiceDetail>('GET', `/services/${enc(idOrSlug)}`),
    create: (input: ServiceInput) => request<Service>('POST', '/services', input),
    update: (idOrSlug: string, input: ServiceInput) => request<Service>('PUT', `/services/${enc(idOrSlug)}`, input),
    addIntegration: (idOrSlug: string, input: { name: string; type: IntegrationType; key?: string }) =>
      request<{ integration: Integration; key: string }>('POST', `/services/${enc(idOrSlug)}/integrations`, input),
    removeIntegration: (idOrSlug: string, integrationId: string) => request<void>('DELETE', `/services/${enc(idOrSlug)}/integrations/${enc(integrationId)}`),
    addMaintenance: (idOrSlug: string, input: { start: number; end: number; reason?: string }) =>
      request<MaintenanceWindow>('POST', `/services/${enc(idOrSlug)}/maintenance`, input),
    saveHeartbeat: (idOrSlug: string, input: { name: string; intervalSeconds: number; priority?: Priority; enabled?: boolean }) =>
      request<Heartbeat>('POST', `/services/${enc(idOrSlug)}/heartbeats`, input),
  },

  policies: {
    list: async () => (await request<ListResponse<EscalationPolicy>>('GET', '/escalation-policies')).data,
    get: (idOrSlug: string) => request<EscalationPolicy>('GET', `/escalation-policies/${enc(idOrSlug)}`),
    create: (input: PolicyInput) => request<EscalationPolicy>('POST', '/escalation-policies', input),
    update: (idOrSlug: string, input: PolicyInput) => request<EscalationPolicy>('PUT', `/escalation-policies/${enc(idOrSlug)}`, input),
  },

  notifications: {
    /** `userId` may be `me`. */
    contacts: (userId = 'me') => request<{ data: ContactMethod[]; warnings: string[] }>('GET', `/users/${enc(userId)}/contact-methods`),
    addContact: (input: { type: ContactType; address: string; label?: string }, userId = 'me') =>
      request<ContactMethod>('POST', `/users/${enc(userId)}/contact-methods`, input),
    verify: (contactId: string, code: string) => request<ContactMethod>('POST', `/contact-methods/${enc(contactId)}/verify`, { code }),
    resend: (contactId: string) => request<void>('POST', `/contact-methods/${enc(contactId)}/resend`),
    removeContact: (contactId: string) => request<void>('DELETE', `/contact-methods/${enc(contactId)}`),
    rules: async (userId = 'me') => (await request<ListResponse<NotificationRule>>('GET', `/users/${enc(userId)}/notification-rules`)).data,
    addRule: (input: { urgency: Urgency; contactMethodId: string; delayMinutes: number }, userId = 'me') =>
      request<NotificationRule>('POST', `/users/${enc(userId)}/notification-rules`, input),
    removeRule: (ruleId: string, userId = 'me') => request<void>('DELETE', `/users/${enc(userId)}/notification-rules/${enc(ruleId)}`),
    /** null turns quiet hours off. */
    setQuietHours: (quiet: { start: string; end: string } | null, userId = 'me') =>
      request<{ quietStart: string | null; quietEnd: string | null }>('PUT', `/users/${enc(userId)}/quiet-hours`, quiet),
    checklist: (userId = 'me') => request<Checklist>('GET', `/users/${enc(userId)}/checklist`),
    markSeverityLevelsRead: () => request<void>('POST', '/me/severity-levels-read'),
    readiness: async (teamId: string) => (await request<ListResponse<ReadinessEntry>>('GET', `/teams/${enc(teamId)}/readiness`)).data,
  },

  pages: {
    list: async (options: { status?: PageStatus } = {}) => (await request<ListResponse<PageRecord>>('GET', `/pages${query(options)}`)).data,
    get: (id: string) => request<{ page: PageRecord; timeline: TimelineEvent[] }>('GET', `/pages/${enc(id)}`),
    acknowledge: (id: string) => request<PageRecord>('POST', `/pages/${enc(id)}/acknowledge`),
    /** Sends the signed-in user a test page through their high-urgency rules. */
    sendTest: () => request<PageRecord>('POST', '/pages/test'),
  },
  severities: {
    list: async () => (await request<ListResponse<Severity>>('GET', '/severities')).data,
    /** Creates or replaces a level (admin). */
    save: (key: string, input: SeverityInput) => request<Severity>('PUT', `/severities/${enc(key)}`, input),
    markdownUrl: `${API_PREFIX}/severities?format=markdown`,
  },

  incidentSettings: {
    get: () => request<IncidentSettings>('GET', '/settings/incidents'),
    update: (patch: Partial<IncidentSettings>) => request<IncidentSettings>('PATCH', '/settings/incidents', patch),
  },

  incidents: {
    list: async (q: IncidentQuery = {}) => (await request<ListResponse<Incident>>('GET', `/incidents${query({ ...q })}`)).data,
    /** Id or INC-42. */
    get: (ref: string) => request<IncidentDetail>('GET', `/incidents/${enc(ref)}`),
    declare: (input: DeclareInput) => request<Incident>('POST', '/incidents', input),
    setStatus: (ref: string, status: IncidentStatus, options: { reason?: string; reopen?: boolean } = {}) =>
      request<Incident>('POST', `/incidents/${enc(ref)}/status`, { status, ...(options.reason ? { reason: options.reason } : {}), ...(options.reopen ? { reopen: true } : {}) }),
    setSeverity: (ref: string, severity: string, reason?: string) => request<Incident>('POST', `/incidents/${enc(ref)}/severity`, { severity, ...(reason ? { reason } : {}) }),
    postUpdate: (ref: string, text: string) => request<Incident>('POST', `/incidents/${enc(ref)}/updates`, { text }),
    setRole: (ref: string, role: 'commander' | 'comms', userId: string) => request<Incident>('POST', `/incidents/${enc(ref)}/roles`, { role, userId }),
    page: (ref: string, target: { type: PageTargetType; id: string }, note?: string) => request<Incident>('POST', `/incidents/${enc(ref)}/page`, { ...target, ...(note ? { note } : {}) }),
    loopInEscalationContact: (ref: string) => request<Incident>('POST', `/incidents/${enc(ref)}/escalation-contact`, {}),
    addNote: (ref: string, note: string) => request<Incident>('POST', `/incidents/${enc(ref)}/notes`, { note }),
    addMember: (ref: string, userId: string) => request<Incident>('POST', `/incidents/${enc(ref)}/members`, { userId }),
    subscribe: (ref: string) => request<void>('POST', `/incidents/${enc(ref)}/subscribe`),
    /** Creates the post-mortem (idempotent: returns the existing one). */
    createPostmortem: (ref: string) => request<Postmortem>('POST', `/incidents/${enc(ref)}/postmortem`),
  },

  insights: {
    get: (range: { from?: number; to?: number } = {}) => request<Insights>('GET', `/insights${query(range)}`),
  },

  postmortems: {
    list: async (q: PostmortemQuery = {}) => (await request<ListResponse<Postmortem>>('GET', `/postmortems${query({ ...q })}`)).data,
    get: (id: string) => request<PostmortemDetail>('GET', `/postmortems/${enc(id)}`),
    update: (id: string, patch: PostmortemPatch) => request<Postmortem>('PATCH', `/postmortems/${enc(id)}`, patch),
    setStatus: (id: string, status: PostmortemStatus) => request<Postmortem>('POST', `/postmortems/${enc(id)}/status`, { status }),
    comment: (id: string, body: string) => request<{ id: string }>('POST', `/postmortems/${enc(id)}/comments`, { body }),
    addActionItem: (id: string, input: { title: string; ownerId: string; dueAt?: number; createTicket?: boolean }) =>
      request<ActionItem>('POST', `/postmortems/${enc(id)}/action-items`, input),
    updateActionItem: (itemId: string, patch: { status?: 'open' | 'done'; title?: string; dueAt?: number | null; createTicket?: boolean }) =>
      request<ActionItem>('PATCH', `/action-items/${enc(itemId)}`, patch),
    exportUrl: (id: string, format: 'md' | 'html') => `${API_PREFIX}/postmortems/${enc(id)}/export?format=${format}`,
  },

  reports: {
    list: async (q: ReportQuery = {}) => (await request<ListResponse<ShiftReport>>('GET', `/reports${query({ ...q })}`)).data,
    get: (id: string) => request<ReportDetail>('GET', `/reports/${enc(id)}`),
    update: (id: string, patch: { notes?: string; handover?: HandoverItem[] }) => request<ShiftReport>('PATCH', `/reports/${enc(id)}`, patch),
    send: (id: string) => request<ShiftReport>('POST', `/reports/${enc(id)}/send`),
  },
};
