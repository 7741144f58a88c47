/**
 * Jira Cloud client: REST v3 (issues, JQL search, transitions, users) and the Agile 1.0 API (sprints).
 *
 * Wire contract: ../shared/reference/wire-contracts.md section 7. Plain `fetch`, a configurable base URL
 * (tests point it at test/fakes/jira.ts), Basic auth with `email:apiToken` or a bearer token.
 * Failures throw `JiraError`; a 429 (or 503) with `Retry-After` carries `retryAfterMs` so the delivery
 * outbox can back off. The client never retries on its own.
 */
import { parseRetryAfter } from '../../shared/http.js';

export type JiraAuthOptions = { email: string; apiToken: string; bearerToken?: undefined } | { bearerToken: string; email?: undefined; apiToken?: undefined };

export type JiraClientOptions = JiraAuthOptions & {
  /** Site root, e.g. `https://acme.atlassian.net` (a context path like `https://host/jira` is kept). */
  baseUrl: string;
  fetchImpl?: typeof fetch;
  /** Per request, body included. Default 15 s. */
  timeoutMs?: number;
  /** Page size asked of Jira; Jira may return fewer. Default 50. */
  pageSize?: number;
};

export type JiraSprintState = 'active' | 'future' | 'closed';

export interface JiraSprint {
  id: number;
  name: string;
  state: JiraSprintState | string;
  /** ISO strings as Jira sends them; future sprints often have none. */
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
  /** Parsed startDate/endDate, epoch ms, or null. */
  start: number | null;
  end: number | null;
  goal: string | null;
  originBoardId: number | null;
}

export interface JiraUser {
  accountId: string;
  displayName: string;
  /** Absent when the user's privacy settings hide it. */
  emailAddress?: string;
  active?: boolean;
  accountType?: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  self: string;
  /** Browse URL: `<baseUrl>/browse/<key>`. */
  url: string;
  summary: string;
  /** Status name, e.g. "In Progress". */
  status: string | null;
  /** Status category key: `new`, `indeterminate` or `done`. */
  statusCategory: string | null;
  assignee: JiraUser | null;
  issuetype: string | null;
  priority: string | null;
  /** ISO string as Jira sends it (`2026-03-02T09:00:00.000+0000`). */
  updated: string | null;
  /** Parsed `updated`, epoch ms. */
  updatedAt: number | null;
  labels: string[];
  /** Every field Jira returned, for callers that asked for more than the ones typed above. */
  fields: Record<string, unknown>;
}

export interface JiraSearchPage {
  issues: JiraIssue[];
  /** Pass to the next `searchJql` call; null on the last page. */
  nextPageToken: string | null;
}

export interface CreateJiraIssueInput {
  projectKey: string;
  /** Issue type name, e.g. "Task", "Bug". */
  issueType: string;
  summary: string;
  /** Plain text; converted to an Atlassian Document (paragraphs, line breaks, links). */
  description?: string;
  labels?: string[];
  /** Priority name, e.g. "High". */
  priority?: string;
  /** Assignee accountId. */
  assigneeAccountId?: string;
}

export interface CreatedJiraIssue {
  id: string;
  key: string;
  self: string;
  url: string;
}

export interface JiraTransitionResult {
  /** False when the issue already was in the target status (nothing to do: transitions are idempotent). */
  transitioned: boolean;
  transitionId: string | null;
  /** Status the issue is in now (as far as the transition says). */
  status: string | null;
}

export type JiraErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'bad_request'
  | 'conflict'
  | 'server_error'
  | 'http_error'
  | 'timeout'
  | 'network'
  | 'invalid_response'
  | 'transition_not_available';

export class JiraError extends Error {
  constructor(
    /** HTTP status; 0 when no response came back (timeout, network) or the failure is ours. */
    readonly status: number,
    /** Jira's `errorMessages` plus `errors` as "field: message", or a plain-text body. */
    readonly messages: string[],
    readonly code: JiraErrorCode,
    readonly details: {
      method?: string;
      path?: string;
      /** Jira's `errors` object: field -> message. */
      fieldErrors?: Record<string, string>;
      /** From `Retry-After` (seconds or HTTP date). */
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    const where = details.method && details.path ? `${details.method} ${details.path}` : 'request';
    const what = messages.length ? messages.join('; ') : 'no details';
    super(
      status ? `Jira ${where} failed with ${status}: ${what}` : `Jira ${where} failed: ${what}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'JiraError';
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  get fieldErrors(): Record<string, string> {
    return this.details.fieldErrors ?? {};
  }

  /** Worth trying again later: rate limits, server errors, timeouts and network failures. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'timeout' || this.code === 'network';
  }
}

/** The fields `searchJql`, `sprintIssues` and `getIssue` ask for unless told otherwise. */
export const DEFAULT_ISSUE_FIELDS: readonly string[] = ['summary', 'status', 'assignee', 'issuetype', 'priority', 'updated', 'labels'];

const MAX_PAGES = 1000;

// ---------------------------------------------------------------------------------------------------------
// Atlassian Document Format

export interface AdfText {
  type: 'text';
  text: string;
  marks?: { type: 'link'; attrs: { href: string } }[];
}
export type AdfInline = AdfText | { type: 'hardBreak' };
export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfParagraph[];
}

const URL_RE = /https?:\/\/[^\s<>"]+/g;

function inlineText(line: string): AdfInline[] {
  const out: AdfInline[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    // Sentence punctuation after a URL is not part of it.
    const href = m[0].replace(/[.,;:!?)\]'"]+$/, '');
    const at = m.index ?? 0;
    if (at > last) out.push({ type: 'text', text: line.slice(last, at) });
    out.push({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] });
    last = at + href.length;
  }
  if (last < line.length) out.push({ type: 'text', text: line.slice(last) });
  return out;
}

/**
 * Plain text to an ADF document (required for rich-text fields in REST v3): blank lines separate
 * paragraphs, single newlines become hard breaks, http(s) URLs become links. ADF forbids empty text
 * nodes, so blank input gives a document with no content.
 */
export function plainTextToAdf(text: string): AdfDoc {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((p) => {
      const content: AdfInline[] = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        content.push(...inlineText(line));
      });
      return { type: 'paragraph', content };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Response parsing (Jira's JSON is untrusted input: no casts to concrete types without checks)

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const parseTime = (v: string | null): number | null => {
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
};

function toUser(v: unknown): JiraUser | null {
  if (!isObj(v)) return null;
  const accountId = str(v.accountId);
  if (!accountId) return null;
  const user: JiraUser = { accountId, displayName: str(v.displayName) ?? '' };
  const email = str(v.emailAddress);
  if (email) user.emailAddress = email;
  if (typeof v.active === 'boolean') user.active = v.active;
  const accountType = str(v.accountType);
  if (accountType) user.accountType = accountType;
  return user;
}

function toSprint(v: unknown): JiraSprint | null {
  if (!isObj(v)) return null;
  const id = num(v.id);
  if (id === null) return null;
  const startDate = str(v.startDate);
  const endDate = str(v.endDate);
  return {
    id,
    name: str(v.name) ?? '',
    state: str(v.state) ?? '',
    startDate,
    endDate,
    completeDate: str(v.completeDate),
    start: parseTime(startDate),
    end: parseTime(endDate),
    goal: str(v.goal),
    originBoardId: num(v.originBoardId),
  };
}

function invalidResponse(method: string, path: string, what: string): JiraError {
  return new JiraError(0, [`unexpected response: ${what}`], 'invalid_response', { method, path });
}

// ---------------------------------------------------------------------------------------------------------

interface RequestInit2 {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export class JiraClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly pageSize: number;

  constructor(options: JiraClientOptions) {
    const base = options.baseUrl?.trim().replace(/\/+$/, '');
    if (!base || !/^https?:\/\//i.test(base)) throw new Error('JiraClient: baseUrl must be an http(s) URL');
    this.baseUrl = base;
    if (options.bearerToken) {
      this.authorization = `Bearer ${options.bearerToken}`;
    } else if (options.email && options.apiToken) {
      this.authorization = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`, 'utf8').toString('base64')}`;
    } else {
      throw new Error('JiraClient: give email and apiToken (Basic auth) or bearerToken');
    }
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.pageSize = options.pageSize ?? 50;
  }

  /** Browse URL of an issue. */
  issueUrl(key: string): string {
    return `${this.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** All sprints of a board in the given states (every page). */
  async listSprints(boardId: number, states: JiraSprintState[] = ['active', 'future']): Promise<JiraSprint[]> {
    const path = `/rest/agile/1.0/board/${encodeURIComponent(String(boardId))}/sprint`;
    const sprints: JiraSprint[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await this.json('GET', path, {
        query: { state: states.length ? states.join(',') : undefined, startAt, maxResults: this.pageSize },
      });
      if (!isObj(data) || !Array.isArray(data.values)) throw invalidResponse('GET', path, 'no values[]');
      for (const v of data.values) {
        const sprint = toSprint(v);
        if (sprint) sprints.push(sprint);
      }
      startAt += data.values.length;
      if (this.isLastOffsetPage(data, data.values.length, startAt)) break;
    }
    return sprints;
  }

  /** All issues of a sprint (every page), optionally narrowed by JQL (`assignee = "<accountId>"`). */
  async sprintIssues(sprintId: number, fields: readonly string[] = DEFAULT_ISSUE_FIELDS, jql?: string): Promise<JiraIssue[]> {
    const path = `/rest/agile/1.0/sprint/${encodeURIComponent(String(sprintId))}/issue`;
    const issues: JiraIssue[] = [];
    let startAt = 0;
    let nextPageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await this.json('GET', path, {
        query: { startAt: nextPageToken ? undefined : startAt, nextPageToken, maxResults: this.pageSize, fields: fields.join(','), jql },
      });
      if (!isObj(data) || !Array.isArray(data.issues)) throw invalidResponse('GET', path, 'no issues[]');
      issues.push(...this.toIssues(data.issues, 'GET', path));
      // Classic offset pagination (startAt/total); newer deployments answer with nextPageToken.
      const token = str(data.nextPageToken);
      if (token) {
        if (token === nextPageToken || data.isLast === true) break;
        nextPageToken = token;
        continue;
      }
      if (nextPageToken) break;
      startAt += data.issues.length;
      if (this.isLastOffsetPage(data, data.issues.length, startAt)) break;
    }
    return issues;
  }

  /** One page of a JQL search (`POST /rest/api/3/search/jql`). Pass the returned token to get the next one. */
  async searchJql(jql: string, fields: readonly string[] = DEFAULT_ISSUE_FIELDS, nextPageToken?: string | null): Promise<JiraSearchPage> {
    const path = '/rest/api/3/search/jql';
    const body: Json = { jql, fields: [...fields], maxResults: this.pageSize };
    if (nextPageToken) body.nextPageToken = nextPageToken;
    const data = await this.json('POST', path, { body });
    if (!isObj(data) || !Array.isArray(data.issues)) throw invalidResponse('POST', path, 'no issues[]');
    const token = str(data.nextPageToken);
    return { issues: this.toIssues(data.issues, 'POST', path), nextPageToken: data.isLast === true ? null : token || null };
  }

  /** Every issue of a JQL search, following nextPageToken (up to `maxIssues`, default 10 000). */
  async searchJqlAll(jql: string, fields: readonly string[] = DEFAULT_ISSUE_FIELDS, maxIssues = 10_000): Promise<JiraIssue[]> {
    const issues: JiraIssue[] = [];
    let token: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result: JiraSearchPage = await this.searchJql(jql, fields, token);
      issues.push(...result.issues);
      if (!result.nextPageToken || result.nextPageToken === token || issues.length >= maxIssues) break;
      token = result.nextPageToken;
    }
    return issues.slice(0, maxIssues);
  }

  async createIssue(input: CreateJiraIssueInput): Promise<CreatedJiraIssue> {
    const path = '/rest/api/3/issue';
    const fields: Json = {
      project: { key: input.projectKey },
      issuetype: { name: input.issueType },
      summary: input.summary,
    };
    if (input.description !== undefined) fields.description = plainTextToAdf(input.description);
    if (input.labels?.length) fields.labels = input.labels;
    if (input.priority) fields.priority = { name: input.priority };
    if (input.assigneeAccountId) fields.assignee = { accountId: input.assigneeAccountId };
    const data = await this.json('POST', path, { body: { fields } });
    if (!isObj(data)) throw invalidResponse('POST', path, 'not an object');
    const id = str(data.id);
    const key = str(data.key);
    if (!id || !key) throw invalidResponse('POST', path, 'no id or key');
    return { id, key, self: str(data.self) ?? `${this.baseUrl}/rest/api/3/issue/${id}`, url: this.issueUrl(key) };
  }

  /** One issue; a missing issue throws JiraError with status 404 (code `not_found`). */
  async getIssue(key: string, fields: readonly string[] = DEFAULT_ISSUE_FIELDS): Promise<JiraIssue> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}`;
    const data = await this.json('GET', path, { query: { fields: fields.join(',') } });
    const [issue] = this.toIssues([data], 'GET', path);
    if (!issue) throw invalidResponse('GET', path, 'not an issue');
    return issue;
  }

  /**
   * Moves an issue through the transition with this name (case-insensitive; the target status name
   * also matches). Idempotent: when no such transition exists but the issue already is in a status of
   * that name, nothing happens and `transitioned` is false.
   */
  async transitionIssue(key: string, transitionName: string): Promise<JiraTransitionResult> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`;
    const data = await this.json('GET', path, {});
    if (!isObj(data) || !Array.isArray(data.transitions)) throw invalidResponse('GET', path, 'no transitions[]');
    const wanted = transitionName.trim().toLowerCase();
    const available = data.transitions.filter(isObj).map((t) => ({
      id: str(t.id) ?? (num(t.id) === null ? null : String(t.id)),
      name: str(t.name) ?? '',
      to: isObj(t.to) ? str(t.to.name) : null,
    }));
    const match = available.find((t) => t.id && t.name.toLowerCase() === wanted) ?? available.find((t) => t.id && t.to?.toLowerCase() === wanted);
    if (match?.id) {
      await this.json('POST', path, { body: { transition: { id: match.id } } });
      return { transitioned: true, transitionId: match.id, status: match.to };
    }
    const current = await this.getIssue(key, ['status']);
    if (current.status?.toLowerCase() === wanted) return { transitioned: false, transitionId: null, status: current.status };
    const names = available.map((t) => t.name).filter(Boolean);
    throw new JiraError(
      0,
      [`no transition "${transitionName}" for ${key} (status "${current.status ?? '?'}"); available: ${names.length ? names.join(', ') : 'none'}`],
      'transition_not_available',
      { method: 'POST', path },
    );
  }

  /**
   * The Jira user with this email, or null. Jira's user search matches prefixes of names and emails;
   * an exact (case-insensitive) email match wins. When the site hides emails, a single active result
   * is taken as the match.
   */
  async findUserByEmail(email: string): Promise<JiraUser | null> {
    const path = '/rest/api/3/user/search';
    const wanted = email.trim().toLowerCase();
    if (!wanted) return null;
    const data = await this.json('GET', path, { query: { query: wanted, maxResults: 50 } });
    if (!Array.isArray(data)) throw invalidResponse('GET', path, 'not an array');
    const users = data.map(toUser).filter((u): u is JiraUser => u !== null && (u.accountType === undefined || u.accountType === 'atlassian'));
    const exact = users.filter((u) => u.emailAddress?.toLowerCase() === wanted);
    if (exact.length) return exact.find((u) => u.active !== false) ?? exact[0] ?? null;
    const hidden = users.filter((u) => u.emailAddress === undefined && u.active !== false);
    const visibleOthers = users.some((u) => u.emailAddress !== undefined);
    return hidden.length === 1 && !visibleOthers ? (hidden[0] ?? null) : null;
  }

  // -------------------------------------------------------------------------------------------------------

  private isLastOffsetPage(data: Json, count: number, nextStartAt: number): boolean {
    if (count === 0) return true;
    if (typeof data.isLast === 'boolean') return data.isLast;
    const total = num(data.total);
    if (total !== null) return nextStartAt >= total;
    const maxResults = num(data.maxResults);
    return maxResults !== null ? count < maxResults : true;
  }

  private toIssues(raw: unknown[], method: string, path: string): JiraIssue[] {
    return raw.map((v) => {
      if (!isObj(v)) throw invalidResponse(method, path, 'issue is not an object');
      const key = str(v.key);
      const id = str(v.id) ?? (num(v.id) === null ? null : String(v.id));
      if (!key || !id) throw invalidResponse(method, path, 'issue without id or key');
      const f = isObj(v.fields) ? v.fields : {};
      const status = isObj(f.status) ? f.status : null;
      const updated = str(f.updated);
      return {
        id,
        key,
        self: str(v.self) ?? `${this.baseUrl}/rest/api/3/issue/${id}`,
        url: this.issueUrl(key),
        summary: str(f.summary) ?? '',
        status: status ? str(status.name) : null,
        statusCategory: status && isObj(status.statusCategory) ? str(status.statusCategory.key) : null,
        assignee: toUser(f.assignee),
        issuetype: isObj(f.issuetype) ? str(f.issuetype.name) : null,
        priority: isObj(f.priority) ? str(f.priority.name) : null,
        updated,
        updatedAt: parseTime(updated),
        labels: Array.isArray(f.labels) ? f.labels.filter((l): l is string => typeof l === 'string') : [],
        fields: f,
      };
    });
  }

  /** Sends a request; returns parsed JSON (undefined for an empty body such as 204) or throws JiraError. */
  private async json(method: 'GET' | 'POST' | 'PUT', path: string, init: RequestInit2): Promise<unknown> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(init.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';

    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (cause) {
      const name = cause instanceof Error ? cause.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new JiraError(0, [`no response within ${this.timeoutMs} ms`], 'timeout', { method, path, cause });
      }
      const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
      throw new JiraError(0, [`cannot reach Jira at ${this.baseUrl}: ${reason}`], 'network', { method, path, cause });
    }

    let data: unknown;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (res.ok) {
      if (text.trim() !== '' && data === undefined) throw invalidResponse(method, path, `not JSON (${res.status})`);
      return data;
    }
    throw errorFromResponse(res, data, text, method, path);
  }
}

function errorFromResponse(res: Response, data: unknown, text: string, method: string, path: string): JiraError {
  const status = res.status;
  const messages: string[] = [];
  const fieldErrors: Record<string, string> = {};
  if (isObj(data)) {
    if (Array.isArray(data.errorMessages)) messages.push(...data.errorMessages.filter((m): m is string => typeof m === 'string' && m !== ''));
    if (isObj(data.errors)) {
      for (const [field, msg] of Object.entries(data.errors)) {
        const m = typeof msg === 'string' ? msg : JSON.stringify(msg);
        fieldErrors[field] = m;
        messages.push(`${field}: ${m}`);
      }
    }
    const single = str(data.message) ?? str(data.errorMessage);
    if (!messages.length && single) messages.push(single);
  } else if (text.trim() && !/^\s*</.test(text)) {
    messages.push(text.trim().slice(0, 500));
  }

  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  let code: JiraErrorCode;
  if (status === 401) {
    code = 'unauthorized';
    messages.unshift('Jira rejected the credentials (401): check the account email and API token, or the bearer token');
  } else if (status === 403) {
    code = 'forbidden';
    const loginReason = res.headers.get('x-seraph-loginreason') ?? '';
    messages.unshift(
      /AUTHENTICATION_DENIED/i.test(loginReason)
        ? 'Jira denied the login (403, CAPTCHA required): sign in once in a browser with this account, then retry'
        : 'Jira refused the request (403): the account lacks permission for this project, board or action',
    );
  } else if (status === 404) {
    code = 'not_found';
  } else if (status === 409) {
    code = 'conflict';
  } else if (status === 429) {
    code = 'rate_limited';
    messages.unshift(`Jira rate limit (429)${retryAfterMs === undefined ? '' : `: retry after ${Math.ceil(retryAfterMs / 1000)} s`}`);
  } else if (status === 400 || status === 422) {
    code = 'bad_request';
  } else if (status >= 500) {
    code = 'server_error';
  } else {
    code = 'http_error';
  }
  if (!messages.length) messages.push(res.statusText || `HTTP ${status}`);
  const details: JiraError['details'] = { method, path };
  if (Object.keys(fieldErrors).length) details.fieldErrors = fieldErrors;
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new JiraError(status, messages, code, details);
}
