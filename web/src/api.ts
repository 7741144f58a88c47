/**
 * Typed client for the Vigil HTTP API (same origin, cookie session).
 *
 * The types come from the API's OpenAPI document (docs/openapi.json), generated into
 * ./generated/openapi.ts: the models below are aliases of its named schemas, or of a route's
 * answer, body or query. `call` ties a route's path and method to those types, so a request
 * that does not match the server does not type-check.
 *
 * Every failed call throws an ApiError carrying the server's {error:{code,message,details}}.
 * Add new resources as another group on `api` below, with their types next to it.
 */
import type { components, paths } from './generated/openapi.ts';

type Schemas = components['schemas'];

// ---------------------------------------------------------------------------------------------
// Types of a route, by its path under /api/v1 as docs/openapi.json writes it ('/schedules/{id}').

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Routes = { [P in keyof paths as P extends `/api/v1${infer R}` ? R : never]: paths[P] };
export type ApiPath = keyof Routes;
type Operation<P extends ApiPath, M extends HttpMethod> = NonNullable<Routes[P][M]>;
/** The methods a route answers. */
export type MethodOf<P extends ApiPath> = { [M in HttpMethod]: [Operation<P, M>] extends [never] ? never : M }[HttpMethod];
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : void;
type SuccessOf<R> = R extends { 200: infer A } ? A : R extends { 201: infer A } ? A : R extends { 202: infer A } ? A : R extends { 204: infer A } ? A : never;
/** A route's successful answer (void for 204). */
export type ResponseOf<P extends ApiPath, M extends MethodOf<P>> = JsonOf<SuccessOf<Operation<P, M>['responses']>>;
/** A route's JSON body (never when it takes none). */
export type BodyOf<P extends ApiPath, M extends MethodOf<P>> = JsonOf<NonNullable<Operation<P, M>['requestBody']>>;
/** A route's query string; a string parameter (an instant, a limit) may be given as a number, as query strings are text. */
export type QueryOf<P extends ApiPath, M extends MethodOf<P>> = QueryArg<NonNullable<Operation<P, M>['parameters']['query']>>;
type PathParamsOf<P extends ApiPath, M extends MethodOf<P>> = NonNullable<Operation<P, M>['parameters']['path']>;
type QueryArg<Q> = { [K in keyof Q]?: Q[K] | (string extends Q[K] ? number : never) };

type CallArgs<P extends ApiPath, M extends MethodOf<P>> = ([PathParamsOf<P, M>] extends [never] ? { path?: never } : { path: PathParamsOf<P, M> }) &
  ([NonNullable<Operation<P, M>['parameters']['query']>] extends [never] ? { query?: never } : { query?: QueryOf<P, M> }) &
  ([BodyOf<P, M>] extends [never] ? { body?: never } : Operation<P, M> extends { requestBody: object } ? { body: BodyOf<P, M> } : { body?: BodyOf<P, M> }) &
  RequestOptions;

/**
 * Calls a route of the API: `call('get', '/schedules/{id}/shifts', { path: { id }, query: { from, to } })`.
 * Path parameters are encoded; undefined and empty query values are left out.
 */
export function call<P extends ApiPath, M extends MethodOf<P>>(
  method: M,
  path: P,
  ...[args]: Partial<CallArgs<P, M>> extends CallArgs<P, M> ? [args?: CallArgs<P, M>] : [args: CallArgs<P, M>]
): Promise<ResponseOf<P, M>> {
  const a = (args ?? {}) as { path?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } & RequestOptions;
  const url = (path as string).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(a.path?.[name] ?? ''));
  return request<ResponseOf<P, M>>(method.toUpperCase() as Method, url + query(a.query ?? {}), a.body, a);
}

/** `?a=1&b=2` from the defined entries, or ''. */
function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------------------------------------
// Identity: users, teams, tokens, the session.

export type User = Schemas['User'];
export type Team = Schemas['Team'];
export type ApiToken = Schemas['ApiToken'];
export type Role = User['role'];
export const ROLES: readonly Role[] = ['admin', 'responder', 'stakeholder'];
export type Scope = ApiToken['scopes'][number];
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Epoch milliseconds (ISO strings are accepted by the formatters too). */
export type Timestamp = number | string;

export type UserInput = BodyOf<'/users', 'post'>;
export type UserPatch = BodyOf<'/users/{id}', 'patch'>;
export type TeamInput = BodyOf<'/teams', 'post'>;
export type TokenInput = BodyOf<'/tokens', 'post'>;
export type Me = ResponseOf<'/me', 'get'>;
/** An account or client address with recent failed sign-ins (admins). */
export type SignInThrottleEntry = ResponseOf<'/auth/sign-in-throttle', 'get'>['data'][number];

export interface ListResponse<T> {
  data: T[];
}

export type TimelineEvent = Schemas['TimelineEvent'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditQuery = QueryOf<'/audit', 'get'>;

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

export type Schedule = Schemas['Schedule'];
/** A rotation layer. In a schedule, layers are listed lowest precedence first (a later layer wins). */
export type Layer = Schedule['layers'][number];
export type ShiftUnit = Layer['shift']['unit'];
export type Restriction = NonNullable<Layer['restrictions']>[number];
/** A daily window, e.g. 09:00–17:00, or 22:00–06:00 (ends the next day). */
export type TimeOfDayRestriction = Extract<Restriction, { type: 'time_of_day' }>;
/** A weekly window from startWeekday startTime to the next endWeekday endTime. */
export type WeeklyRestriction = Extract<Restriction, { type: 'weekly' }>;
/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = WeeklyRestriction['startWeekday'];
export type ScheduleInput = BodyOf<'/schedules', 'post'>;
export type SchedulePatch = BodyOf<'/schedules/{id}', 'patch'>;
/** Without startDate the rotation starts now: the first shift begins at once. */
export type LayerInput = NonNullable<ScheduleInput['layers']>[number];
export type ScheduleShifts = ResponseOf<'/schedules/{id}/shifts', 'get'>;
/** A piece of the final (effective) schedule, or of one layer. */
export type FinalShift = ScheduleShifts['final'][number];
export type UserRef = NonNullable<FinalShift['user']>;
export type Interval = ScheduleShifts['gaps'][number];
export type Override = Schemas['Override'];
export type OverrideInput = BodyOf<'/schedules/{id}/overrides', 'post'>;
export type OnCallNow = ResponseOf<'/schedules/{id}/oncall', 'get'>;
export type SwapRequest = Schemas['SwapRequest'];
export type SwapStatus = SwapRequest['status'];
export type MyShift = ResponseOf<'/users/{id}/shifts', 'get'>['data'][number];
export type CalendarFeed = ResponseOf<'/calendar-feeds/{id}', 'delete'>;

// ---------------------------------------------------------------------------------------------
// Alerts, services, escalation policies. Instants are epoch milliseconds.

export type Alert = Schemas['Alert'];
export type Priority = Alert['priority'];
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];
export type Urgency = Alert['urgency'];
export type AlertStatus = Alert['status'];
export type AlertStatusFilter = NonNullable<AlertQuery['status']>;
export type ServiceRef = NonNullable<Alert['service']>;
/** Someone a page did not reach: every channel failed, or no usable contact method. */
export type NotReached = ResponseOf<'/alerts/{id}', 'get'>['notReached'][number];
export type AlertQuery = QueryOf<'/alerts', 'get'>;
export type BulkResult = ResponseOf<'/alerts/bulk', 'post'>;

export type EscalationPolicy = Schemas['EscalationPolicy'];
export type EscalationStep = EscalationPolicy['steps'][number];
export type EscalationTarget = EscalationStep['targets'][number];
export type TargetType = EscalationTarget['type'];
export type PolicyInput = BodyOf<'/escalation-policies', 'post'>;

export type Service = Schemas['Service'];
export type ServiceInput = BodyOf<'/services', 'post'>;
export type Integration = Schemas['Integration'];
export type IntegrationType = Integration['type'];
export const INTEGRATION_TYPES: readonly IntegrationType[] = ['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'generic', 'sentry'];
/** Not described by the API document (the route answers `unknown`). */
export interface MaintenanceWindow {
  id: string;
  serviceId: string;
  start: number;
  end: number;
  reason: string;
  createdBy: string | null;
  createdAt: number;
}
/** Not described by the API document (the route answers `unknown`). */
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
export type ServiceDetail = Omit<ResponseOf<'/services/{id}', 'get'>, 'maintenance' | 'heartbeats'> & {
  maintenance: MaintenanceWindow[];
  heartbeats: Heartbeat[];
};

// ---------------------------------------------------------------------------------------------
// Notifications: contact methods, rules, quiet hours, the setup checklist, pages.

export type ContactMethod = Schemas['ContactMethod'];
/** A user's contact methods, with warnings about reachability; `hidden` when they are private to the viewer. */
export type ContactMethods = ResponseOf<'/users/{userId}/contact-methods', 'get'>;
export type ContactType = ContactMethod['type'];
export const CONTACT_TYPES: readonly ContactType[] = ['slack_dm', 'email', 'sms', 'voice', 'webhook'];
export type NotificationRule = Schemas['NotificationRule'];
export type Checklist = ResponseOf<'/users/{userId}/checklist', 'get'>;
export type ChecklistItem = Checklist['items'][number];
export type PageRecord = Schemas['Page'];
export type PageStatus = PageRecord['status'];
export type ReadinessEntry = ResponseOf<'/teams/{id}/readiness', 'get'>['data'][number];

// ---------------------------------------------------------------------------------------------
// Incidents: severity levels (data), incident settings, incidents and their actions, insight.

export type Severity = Schemas['Severity'];
export type SeverityInput = BodyOf<'/severities/{key}', 'put'>;
export type IncidentSettings = ResponseOf<'/settings/incidents', 'get'>;
export type Incident = Schemas['Incident'];
export type IncidentStatus = Incident['status'];
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['triage', 'investigating', 'identified', 'monitoring', 'resolved', 'cancelled'];
export type IncidentQuery = QueryOf<'/incidents', 'get'>;
export type DeclareInput = BodyOf<'/incidents', 'post'>;
export type IncidentDetail = ResponseOf<'/incidents/{id}', 'get'>;
export type IncidentRole = IncidentDetail['members'][number]['role'];
export type TargetResult = IncidentDetail['targets']['ack'];
export type PageTargetType = BodyOf<'/incidents/{id}/page', 'post'>['type'];

/** Not described by the API document (the route answers `unknown`). */
export interface InsightBucket {
  count: number;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
  medianTtrMinutes: number | null;
}
/** Not described by the API document (the route answers `unknown`). */
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
// Post-mortems and shift reports. Their answers are not described by the API document (the
// routes answer `unknown`), so their models are written here; bodies and queries are the API's.

export const SECTION_KEYS = ['summary', 'impact', 'timeline', 'rootCause', 'contributingFactors', 'wentWell', 'wentBadly'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;
export type PostmortemStatus = BodyOf<'/postmortems/{id}/status', 'post'>['status'];

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

export type PostmortemQuery = QueryOf<'/postmortems', 'get'>;
export type PostmortemPatch = BodyOf<'/postmortems/{id}', 'patch'>;
export type ActionItemInput = BodyOf<'/postmortems/{id}/action-items', 'post'>;
export type ActionItemPatch = BodyOf<'/action-items/{id}', 'patch'>;

export type ReportPatch = BodyOf<'/reports/{id}', 'patch'>;
export type HandoverItem = NonNullable<ReportPatch['handover']>[number];

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
  alerts: {
    total: number;
    byService: Array<{ service: string; count: number }>;
    noisiest: Array<{ number: number; message: string; count: number }>;
    pagesOutOfHours: number;
    pages: number;
  };
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

export type ReportQuery = QueryOf<'/reports', 'get'>;

const enc = encodeURIComponent;
const data = async <T>(answer: Promise<{ data: T[] }>): Promise<T[]> => (await answer).data;

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  del: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),

  auth: {
    login: (email: string, password: string) => call('post', '/auth/login', { body: { email, password }, quiet401: true }),
    logout: () => call('post', '/auth/logout', { quiet401: true }),
    me: () => call('get', '/me', { quiet401: true }),
    signInThrottle: () => data(call('get', '/auth/sign-in-throttle')),
    clearSignInThrottle: (kind: SignInThrottleEntry['kind'], subject: string) =>
      call('delete', '/auth/sign-in-throttle/{kind}/{subject}', { path: { kind, subject } }),
  },

  me: {
    changePassword: (currentPassword: string, newPassword: string) => call('post', '/me/password', { body: { currentPassword, newPassword } }),
  },

  users: {
    list: (options: { includeInactive?: boolean } = {}) => data(call('get', '/users', { query: options.includeInactive ? { includeInactive: true } : {} })),
    create: (input: UserInput) => call('post', '/users', { body: input }),
    update: (id: string, patch: UserPatch) => call('patch', '/users/{id}', { path: { id }, body: patch }),
  },

  teams: {
    list: () => data(call('get', '/teams')),
    create: (input: TeamInput) => call('post', '/teams', { body: input }),
    update: (id: string, patch: BodyOf<'/teams/{id}', 'patch'>) => call('patch', '/teams/{id}', { path: { id }, body: patch }),
  },

  audit: {
    search: (q: AuditQuery = {}) => call('get', '/audit', { query: q }),
  },

  tokens: {
    list: () => data(call('get', '/tokens')),
    create: (input: TokenInput) => call('post', '/tokens', { body: input }),
    revoke: (id: string) => call('delete', '/tokens/{id}', { path: { id } }),
  },

  schedules: {
    list: (options: { team?: string } = {}) => data(call('get', '/schedules', { query: { team: options.team } })),
    get: (idOrSlug: string) => call('get', '/schedules/{id}', { path: { id: idOrSlug } }),
    create: (input: ScheduleInput) => call('post', '/schedules', { body: input }),
    /** Layers, when given, replace the schedule's layers as a whole. */
    update: (idOrSlug: string, patch: SchedulePatch) => call('patch', '/schedules/{id}', { path: { id: idOrSlug }, body: patch }),
    remove: (idOrSlug: string) => call('delete', '/schedules/{id}', { path: { id: idOrSlug } }),
    shifts: (idOrSlug: string, from: number, to: number) => call('get', '/schedules/{id}/shifts', { path: { id: idOrSlug }, query: { from, to } }),
    onCall: (idOrSlug: string) => call('get', '/schedules/{id}/oncall', { path: { id: idOrSlug } }),
    timeline: (idOrSlug: string) => data(call('get', '/schedules/{id}/timeline', { path: { id: idOrSlug } })),
    overrides: (idOrSlug: string, range: { from?: number; to?: number } = {}) =>
      data(call('get', '/schedules/{id}/overrides', { path: { id: idOrSlug }, query: range })),
    addOverride: (idOrSlug: string, input: OverrideInput) => call('post', '/schedules/{id}/overrides', { path: { id: idOrSlug }, body: input }),
    removeOverride: (idOrSlug: string, overrideId: string) => call('delete', '/schedules/{id}/overrides/{overrideId}', { path: { id: idOrSlug, overrideId } }),
    /** Offer one of your own shifts (or part of it) to others. */
    offerShift: (idOrSlug: string, input: BodyOf<'/schedules/{id}/swaps', 'post'>) =>
      call('post', '/schedules/{id}/swaps', { path: { id: idOrSlug }, body: input }),
  },

  oncall: {
    list: (options: { team?: string } = {}) => data(call('get', '/oncall', { query: { team: options.team } })),
  },

  swaps: {
    list: (options: QueryOf<'/swaps', 'get'> = {}) => data(call('get', '/swaps', { query: options })),
    accept: (id: string) => call('post', '/swaps/{id}/accept', { path: { id } }),
    cancel: (id: string) => call('post', '/swaps/{id}/cancel', { path: { id } }),
  },

  shifts: {
    /** The signed-in user's shifts across schedules (default: the next 30 days). */
    mine: (range: { from?: number; to?: number } = {}) => data(call('get', '/users/{id}/shifts', { path: { id: 'me' }, query: range })),
  },

  calendarFeeds: {
    list: () => data(call('get', '/calendar-feeds')),
    create: (target: BodyOf<'/calendar-feeds', 'post'>) => call('post', '/calendar-feeds', { body: target }),
    revoke: (id: string) => call('delete', '/calendar-feeds/{id}', { path: { id } }),
  },

  alerts: {
    list: (q: AlertQuery = {}, options?: RequestOptions) => call('get', '/alerts', { query: q, ...options }),
    get: (id: string) => call('get', '/alerts/{id}', { path: { id } }),
    acknowledge: (id: string, note?: string) => call('post', '/alerts/{id}/acknowledge', { path: { id }, body: note ? { note } : {} }),
    close: (id: string, note?: string) => call('post', '/alerts/{id}/close', { path: { id }, body: note ? { note } : {} }),
    addNote: (id: string, note: string) => call('post', '/alerts/{id}/notes', { path: { id }, body: { note } }),
    snooze: (id: string, endTime: number) => call('post', '/alerts/{id}/snooze', { path: { id }, body: { endTime } }),
    escalate: (id: string) => call('post', '/alerts/{id}/escalate', { path: { id }, body: {} }),
    /** Owner: user id or email. */
    assign: (id: string, owner: string) => call('post', '/alerts/{id}/assign', { path: { id }, body: { owner } }),
    /** Pages the user. */
    addResponder: (id: string, user: string) => call('post', '/alerts/{id}/responders', { path: { id }, body: { user } }),
    tags: (id: string, change: BodyOf<'/alerts/{id}/tags', 'post'>) => call('post', '/alerts/{id}/tags', { path: { id }, body: change }),
    bulk: (action: BodyOf<'/alerts/bulk', 'post'>['action'], ids: string[]) => call('post', '/alerts/bulk', { body: { action, ids } }),
  },

  services: {
    list: () => data(call('get', '/services')),
    get: (idOrSlug: string) => call('get', '/services/{id}', { path: { id: idOrSlug } }) as Promise<ServiceDetail>,
    create: (input: ServiceInput) => call('post', '/services', { body: input }),
    update: (idOrSlug: string, input: ServiceInput) => call('put', '/services/{id}', { path: { id: idOrSlug }, body: input }),
    addIntegration: (idOrSlug: string, input: BodyOf<'/services/{id}/integrations', 'post'>) =>
      call('post', '/services/{id}/integrations', { path: { id: idOrSlug }, body: input }),
    removeIntegration: (idOrSlug: string, integrationId: string) =>
      call('delete', '/services/{id}/integrations/{integrationId}', { path: { id: idOrSlug, integrationId } }),
    addMaintenance: (idOrSlug: string, input: BodyOf<'/services/{id}/maintenance', 'post'>) =>
      call('post', '/services/{id}/maintenance', { path: { id: idOrSlug }, body: input }) as Promise<MaintenanceWindow>,
    saveHeartbeat: (idOrSlug: string, input: BodyOf<'/services/{id}/heartbeats', 'post'>) =>
      call('post', '/services/{id}/heartbeats', { path: { id: idOrSlug }, body: input }) as Promise<Heartbeat>,
  },

  policies: {
    list: () => data(call('get', '/escalation-policies')),
    get: (idOrSlug: string) => call('get', '/escalation-policies/{id}', { path: { id: idOrSlug } }),
    create: (input: PolicyInput) => call('post', '/escalation-policies', { body: input }),
    update: (idOrSlug: string, input: PolicyInput) => call('put', '/escalation-policies/{id}', { path: { id: idOrSlug }, body: input }),
  },

  notifications: {
    /** `userId` may be `me`. */
    contacts: (userId = 'me') => call('get', '/users/{userId}/contact-methods', { path: { userId } }),
    addContact: (input: BodyOf<'/users/{userId}/contact-methods', 'post'>, userId = 'me') =>
      call('post', '/users/{userId}/contact-methods', { path: { userId }, body: input }),
    verify: (contactId: string, code: string) => call('post', '/contact-methods/{id}/verify', { path: { id: contactId }, body: { code } }),
    resend: (contactId: string) => call('post', '/contact-methods/{id}/resend', { path: { id: contactId } }),
    removeContact: (contactId: string) => call('delete', '/contact-methods/{id}', { path: { id: contactId } }),
    rules: (userId = 'me') => data(call('get', '/users/{userId}/notification-rules', { path: { userId } })),
    addRule: (input: BodyOf<'/users/{userId}/notification-rules', 'post'>, userId = 'me') =>
      call('post', '/users/{userId}/notification-rules', { path: { userId }, body: input }),
    removeRule: (ruleId: string, userId = 'me') => call('delete', '/users/{userId}/notification-rules/{ruleId}', { path: { userId, ruleId } }),
    /** null turns quiet hours off. */
    setQuietHours: (quiet: BodyOf<'/users/{userId}/quiet-hours', 'put'>, userId = 'me') =>
      call('put', '/users/{userId}/quiet-hours', { path: { userId }, body: quiet }),
    checklist: (userId = 'me') => call('get', '/users/{userId}/checklist', { path: { userId } }),
    markSeverityLevelsRead: () => call('post', '/me/severity-levels-read'),
    readiness: (teamId: string) => data(call('get', '/teams/{id}/readiness', { path: { id: teamId } })),
  },

  pages: {
    list: (options: QueryOf<'/pages', 'get'> = {}) => data(call('get', '/pages', { query: options })),
    get: (id: string) => call('get', '/pages/{id}', { path: { id } }),
    acknowledge: (id: string) => call('post', '/pages/{id}/acknowledge', { path: { id } }),
    /** Sends the signed-in user a test page through their high-urgency rules. */
    sendTest: () => call('post', '/pages/test'),
  },
  severities: {
    /** The route also answers markdown, so the document does not describe its JSON: `{ data: Severity[] }`. */
    list: () => data(call('get', '/severities') as Promise<ListResponse<Severity>>),
    /** Creates or replaces a level (admin). */
    save: (key: string, input: SeverityInput) => call('put', '/severities/{key}', { path: { key }, body: input }),
    markdownUrl: `${API_PREFIX}/severities?format=markdown`,
  },

  incidentSettings: {
    get: () => call('get', '/settings/incidents'),
    update: (patch: BodyOf<'/settings/incidents', 'patch'>) => call('patch', '/settings/incidents', { body: patch }),
  },

  incidents: {
    list: (q: IncidentQuery = {}) => data(call('get', '/incidents', { query: q })),
    /** Id or INC-42. */
    get: (ref: string) => call('get', '/incidents/{id}', { path: { id: ref } }),
    declare: (input: DeclareInput) => call('post', '/incidents', { body: input }),
    setStatus: (ref: string, status: IncidentStatus, options: { reason?: string; reopen?: boolean } = {}) =>
      call('post', '/incidents/{id}/status', {
        path: { id: ref },
        body: { status, ...(options.reason ? { reason: options.reason } : {}), ...(options.reopen ? { reopen: true } : {}) },
      }),
    setSeverity: (ref: string, severity: string, reason?: string) =>
      call('post', '/incidents/{id}/severity', { path: { id: ref }, body: { severity, ...(reason ? { reason } : {}) } }),
    postUpdate: (ref: string, text: string) => call('post', '/incidents/{id}/updates', { path: { id: ref }, body: { text } }),
    setRole: (ref: string, role: BodyOf<'/incidents/{id}/roles', 'post'>['role'], userId: string) =>
      call('post', '/incidents/{id}/roles', { path: { id: ref }, body: { role, userId } }),
    page: (ref: string, target: { type: PageTargetType; id: string }, note?: string) =>
      call('post', '/incidents/{id}/page', { path: { id: ref }, body: { ...target, ...(note ? { note } : {}) } }),
    loopInEscalationContact: (ref: string) => call('post', '/incidents/{id}/escalation-contact', { path: { id: ref }, body: {} }),
    addNote: (ref: string, note: string) => call('post', '/incidents/{id}/notes', { path: { id: ref }, body: { note } }),
    addMember: (ref: string, userId: string) => call('post', '/incidents/{id}/members', { path: { id: ref }, body: { userId } }),
    subscribe: (ref: string) => call('post', '/incidents/{id}/subscribe', { path: { id: ref } }),
    /** Creates the post-mortem (idempotent: returns the existing one). */
    createPostmortem: (ref: string) => call('post', '/incidents/{id}/postmortem', { path: { id: ref } }) as Promise<Postmortem>,
  },

  insights: {
    get: (range: { from?: number; to?: number } = {}) => call('get', '/insights', { query: range }) as Promise<Insights>,
  },

  postmortems: {
    list: (q: PostmortemQuery = {}) => data(call('get', '/postmortems', { query: q }) as Promise<ListResponse<Postmortem>>),
    get: (id: string) => call('get', '/postmortems/{id}', { path: { id } }) as Promise<PostmortemDetail>,
    update: (id: string, patch: PostmortemPatch) => call('patch', '/postmortems/{id}', { path: { id }, body: patch }) as Promise<Postmortem>,
    setStatus: (id: string, status: PostmortemStatus) => call('post', '/postmortems/{id}/status', { path: { id }, body: { status } }) as Promise<Postmortem>,
    comment: (id: string, body: string) => call('post', '/postmortems/{id}/comments', { path: { id }, body: { body } }) as Promise<{ id: string }>,
    addActionItem: (id: string, input: ActionItemInput) => call('post', '/postmortems/{id}/action-items', { path: { id }, body: input }) as Promise<ActionItem>,
    updateActionItem: (itemId: string, patch: ActionItemPatch) =>
      call('patch', '/action-items/{id}', { path: { id: itemId }, body: patch }) as Promise<ActionItem>,
    exportUrl: (id: string, format: NonNullable<QueryOf<'/postmortems/{id}/export', 'get'>['format']>) =>
      `${API_PREFIX}/postmortems/${enc(id)}/export?format=${format}`,
  },

  reports: {
    list: (q: ReportQuery = {}) => data(call('get', '/reports', { query: q }) as Promise<ListResponse<ShiftReport>>),
    get: (id: string) => call('get', '/reports/{id}', { path: { id } }) as Promise<ReportDetail>,
    update: (id: string, patch: ReportPatch) => call('patch', '/reports/{id}', { path: { id }, body: patch }) as Promise<ShiftReport>,
    send: (id: string) => call('post', '/reports/{id}/send', { path: { id } }) as Promise<ShiftReport>,
  },
};
