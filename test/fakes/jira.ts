/**
 * A fake Jira Cloud: a real HTTP server on 127.0.0.1 speaking Jira's wire format for the endpoints
 * Vigil uses (wire-contracts.md section 7):
 *
 *   GET  /rest/agile/1.0/board/{boardId}/sprint?state=&startAt=&maxResults=   {startAt,maxResults,total,isLast,values}
 *   GET  /rest/agile/1.0/sprint/{sprintId}/issue?startAt=&maxResults=&fields=&jql=   {expand,startAt,maxResults,total,issues}
 *   POST /rest/api/3/search/jql  {jql,fields,maxResults,nextPageToken}  ->  {issues,nextPageToken?,isLast}
 *   GET  /rest/api/3/search/jql?jql=&fields=&maxResults=&nextPageToken=
 *   POST /rest/api/3/issue  {fields}  ->  201 {id,key,self}   (description must be ADF, as in v3)
 *   GET  /rest/api/3/issue/{key}?fields=
 *   GET  /rest/api/3/issue/{key}/transitions, POST .../transitions {transition:{id}} -> 204
 *   GET  /rest/api/3/user/search?query=
 *
 * Every request needs `Authorization: Basic base64(email:apiToken)` (or `Bearer <bearerToken>` when
 * one is configured); otherwise 401 with Jira's plain-text body. Page sizes are small (2 by default)
 * so clients must paginate: Jira may always return fewer than asked.
 *
 * JQL: a small subset, clauses joined by AND: `project = X`, `key = X`, `key in (A, B)`,
 * `assignee = "<accountId>"`, `assignee is EMPTY`, `sprint = <id>`, `sprint in openSprints()`,
 * `status = "X"`, `statusCategory = Done` / `!= Done`, `labels = x`, `labels in (a, b)`; `ORDER BY` is
 * ignored. Anything else is a 400, like a JQL syntax error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJiraUser {
  accountId: string;
  emailAddress: string;
  displayName: string;
  /** Site privacy setting: the email is not returned by the API. */
  hideEmail?: boolean;
  active?: boolean;
}

export interface FakeJiraSprintInput {
  id: number;
  name: string;
  state: 'active' | 'future' | 'closed';
  startDate?: string;
  endDate?: string;
  goal?: string;
}

export interface FakeJiraIssueInput {
  key: string;
  summary: string;
  sprintId?: number;
  assignee?: { accountId: string; emailAddress: string; displayName: string } | null;
  /** Status name: "To Do", "In Progress" or "Done" (other names are category `indeterminate`). */
  status?: string;
  /** Project key; defaults to the key's prefix. */
  project?: string;
  labels?: string[];
  issueType?: string;
  priority?: string;
  description?: unknown;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  sprintId: number | null;
  assigneeAccountId: string | null;
  status: string;
  labels: string[];
  issueType: string;
  priority: string | null;
  description: unknown;
  updated: string;
}

export interface FakeJiraCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | null;
}

export interface FakeJiraCreated {
  id: string;
  key: string;
  /** The `fields` object exactly as the client sent it. */
  fields: Record<string, unknown>;
}

export interface FakeJira {
  url: string;
  addBoard(id: number, name: string): void;
  addSprint(boardId: number, sprint: FakeJiraSprintInput): void;
  addIssue(issue: FakeJiraIssueInput): FakeJiraIssue;
  addUser(user: FakeJiraUser): void;
  issue(key: string): FakeJiraIssue | undefined;
  createdIssues(): FakeJiraCreated[];
  calls(): FakeJiraCall[];
  /** The next request to this path (exact pathname, any method) gets this response instead. Queued. */
  failNext(path: string, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Page size cap for every paginated endpoint. */
  setPageSize(n: number): void;
  close(): Promise<void>;
}

export interface StartFakeJiraOptions {
  email: string;
  apiToken: string;
  /** Also accept `Authorization: Bearer <bearerToken>`. */
  bearerToken?: string;
  /** Default 2. */
  pageSize?: number;
}

const STATUSES: Record<string, { id: string; category: 'new' | 'indeterminate' | 'done'; categoryName: string; categoryId: number }> = {
  'to do': { id: '10000', category: 'new', categoryName: 'To Do', categoryId: 2 },
  'in progress': { id: '3', category: 'indeterminate', categoryName: 'In Progress', categoryId: 4 },
  done: { id: '10001', category: 'done', categoryName: 'Done', categoryId: 3 },
};
/** Jira's simplified workflow: any status to any other, transition ids 11/21/31. */
const TRANSITIONS = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
];
const ISSUE_TYPES = ['Task', 'Bug', 'Story', 'Epic', 'Incident', 'Post-incident review'];
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}
const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}): HttpError => new HttpError(status, { errorMessages, errors });

const jiraTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

export async function startFakeJira(options: StartFakeJiraOptions): Promise<FakeJira> {
  let pageSize = options.pageSize ?? 2;
  const boards = new Map<number, { id: number; name: string }>();
  const sprints = new Map<number, FakeJiraSprintInput & { boardId: number }>();
  const issues = new Map<string, FakeJiraIssue>();
  const users = new Map<string, FakeJiraUser>();
  const created: FakeJiraCreated[] = [];
  const calls: FakeJiraCall[] = [];
  const failures = new Map<string, { status: number; body?: unknown; headers?: Record<string, string> }[]>();
  const projectCounters = new Map<string, number>();
  let nextIssueId = 10000;
  let baseUrl = '';

  const expectedBasic = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`, 'utf8').toString('base64')}`;

  function statusInfo(name: string) {
    return STATUSES[name.toLowerCase()] ?? { id: '10100', category: 'indeterminate' as const, categoryName: 'In Progress', categoryId: 4 };
  }

  function userJson(u: FakeJiraUser): Json {
    const out: Json = {
      self: `${baseUrl}/rest/api/3/user?accountId=${u.accountId}`,
      accountId: u.accountId,
      accountType: 'atlassian',
      displayName: u.displayName,
      active: u.active ?? true,
      timeZone: 'Etc/UTC',
      avatarUrls: {},
    };
    if (!u.hideEmail) out.emailAddress = u.emailAddress;
    return out;
  }

  function sprintJson(s: FakeJiraSprintInput & { boardId: number }): Json {
    const out: Json = { id: s.id, self: `${baseUrl}/rest/agile/1.0/sprint/${s.id}`, state: s.state, name: s.name, originBoardId: s.boardId };
    if (s.startDate) out.startDate = s.startDate;
    if (s.endDate) out.endDate = s.endDate;
    if (s.goal) out.goal = s.goal;
    return out;
  }

  /** All fields of an issue; `wanted` null means all, an empty list means none. */
  function issueJson(i: FakeJiraIssue, wanted: string[] | null): Json {
    const st = statusInfo(i.status);
    const assignee = i.assigneeAccountId ? users.get(i.assigneeAccountId) : undefined;
    const sprint = i.sprintId === null ? undefined : sprints.get(i.sprintId);
    const all: Json = {
      summary: i.summary,
      status: {
        self: `${baseUrl}/rest/api/3/status/${st.id}`,
        name: i.status,
        id: st.id,
        statusCategory: { id: st.categoryId, key: st.category, name: st.categoryName, colorName: 'blue-gray' },
      },
      assignee: assignee ? userJson(assignee) : null,
      issuetype: { id: String(10001 + ISSUE_TYPES.indexOf(i.issueType)), name: i.issueType, subtask: false },
      priority: i.priority ? { id: String(1 + PRIORITIES.indexOf(i.priority)), name: i.priority } : null,
      updated: i.updated,
      labels: [...i.labels],
      project: { id: '10000', key: i.project, name: i.project },
      description: i.description ?? null,
      sprint: sprint ? sprintJson(sprint) : null,
    };
    const fields: Json = {};
    if (wanted === null || wanted.includes('*all') || wanted.includes('*navigable')) {
      Object.assign(fields, all);
    } else {
      for (const f of wanted) if (f in all) fields[f] = all[f];
    }
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: i.id,
      self: `${baseUrl}/rest/api/3/issue/${i.id}`,
      key: i.key,
      fields,
    };
  }

  function parseFields(v: unknown): string[] | null {
    if (Array.isArray(v))
      return v
        .filter((f): f is string => typeof f === 'string')
        .flatMap((f) => f.split(','))
        .map((f) => f.trim())
        .filter(Boolean);
    if (typeof v === 'string')
      return v
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
    return null;
  }

  function pageLimit(requested: unknown): number {
    const n = typeof requested === 'number' ? requested : typeof requested === 'string' && requested !== '' ? Number(requested) : NaN;
    if (Number.isFinite(n) && n < 0) throw jiraError(400, ["The 'maxResults' parameter must be non-negative."]);
    return Number.isFinite(n) && n > 0 ? Math.min(n, pageSize) : pageSize;
  }

  function parseStartAt(v: string | undefined): number {
    if (v === undefined || v === '') return 0;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw jiraError(400, ["The 'startAt' parameter must be a non-negative integer."]);
    return n;
  }

  // -- JQL ----------------------------------------------------------------------------------------------

  const unquote = (s: string): string =>
    s
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/^'(.*)'$/, '$1');
  const list = (s: string): string[] => s.split(',').map(unquote).filter(Boolean);

  function compileJql(jql: string): (i: FakeJiraIssue) => boolean {
    const where = jql.replace(/\s+ORDER\s+BY\s+.*$/i, '').trim();
    if (!where) throw jiraError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
    const clauses = where.split(/\s+AND\s+/i).map((c) => c.trim());
    const tests = clauses.map((clause): ((i: FakeJiraIssue) => boolean) => {
      let m: RegExpMatchArray | null;
      if ((m = clause.match(/^project\s*=\s*(.+)$/i))) {
        const p = unquote(m[1] ?? '').toUpperCase();
        return (i) => i.project.toUpperCase() === p;
      }
      if ((m = clause.match(/^(?:key|issuekey)\s*=\s*(.+)$/i))) {
        const k = unquote(m[1] ?? '').toUpperCase();
        return (i) => i.key.toUpperCase() === k;
      }
      if ((m = clause.match(/^(?:key|issuekey)\s+in\s*\((.*)\)$/i))) {
        const keys = new Set(list(m[1] ?? '').map((k) => k.toUpperCase()));
        return (i) => keys.has(i.key.toUpperCase());
      }
      if ((m = clause.match(/^assignee\s+is\s+(?:EMPTY|null)$/i))) return (i) => i.assigneeAccountId === null;
      if ((m = clause.match(/^assignee\s*=\s*(.+)$/i))) {
        const a = unquote(m[1] ?? '');
        return (i) => i.assigneeAccountId === a;
      }
      if ((m = clause.match(/^sprint\s+in\s+openSprints\(\)$/i))) {
        return (i) => i.sprintId !== null && ['active', 'future'].includes(sprints.get(i.sprintId)?.state ?? '');
      }
      if ((m = clause.match(/^sprint\s*=\s*(\d+)$/i))) {
        const id = Number(m[1]);
        return (i) => i.sprintId === id;
      }
      if ((m = clause.match(/^status\s*=\s*(.+)$/i))) {
        const s = unquote(m[1] ?? '').toLowerCase();
        return (i) => i.status.toLowerCase() === s;
      }
      if ((m = clause.match(/^statusCategory\s*(!=|=)\s*(.+)$/i))) {
        const name = unquote(m[2] ?? '').toLowerCase();
        const category = name === 'done' ? 'done' : name === 'to do' || name === 'new' ? 'new' : 'indeterminate';
        const negate = m[1] === '!=';
        return (i) => (statusInfo(i.status).category === category) !== negate;
      }
      if ((m = clause.match(/^labels\s*=\s*(.+)$/i))) {
        const l = unquote(m[1] ?? '');
        return (i) => i.labels.includes(l);
      }
      if ((m = clause.match(/^labels\s+in\s*\((.*)\)$/i))) {
        const ls = list(m[1] ?? '');
        return (i) => ls.some((l) => i.labels.includes(l));
      }
      throw jiraError(400, [`Error in the JQL Query: the fake Jira does not understand "${clause}".`]);
    });
    return (i) => tests.every((t) => t(i));
  }

  const sortedIssues = (): FakeJiraIssue[] => [...issues.values()].sort((a, b) => Number(a.id) - Number(b.id));

  function search(jql: string, fieldsRaw: unknown, maxResults: unknown, token: unknown): Json {
    let offset = 0;
    if (token !== undefined && token !== null && token !== '') {
      const decoded = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
      const m = decoded.match(/^offset:(\d+)$/);
      if (!m) throw jiraError(400, ['Invalid nextPageToken.']);
      offset = Number(m[1]);
    }
    const matcher = compileJql(jql);
    const all = sortedIssues().filter(matcher);
    const limit = pageLimit(maxResults);
    const page = all.slice(offset, offset + limit);
    // search/jql returns only ids unless fields are named.
    const wanted = parseFields(fieldsRaw) ?? [];
    const out: Json = { issues: page.map((i) => (wanted.length ? issueJson(i, wanted) : { id: i.id })) };
    const next = offset + page.length;
    if (next < all.length) {
      out.nextPageToken = Buffer.from(`offset:${next}`, 'utf8').toString('base64url');
      out.isLast = false;
    } else {
      out.isLast = true;
    }
    return out;
  }

  // -- Create -------------------------------------------------------------------------------------------

  function isAdfDoc(v: unknown): boolean {
    return isObj(v) && v.type === 'doc' && v.version === 1 && Array.isArray(v.content);
  }

  function createIssue(body: unknown): Json {
    if (!isObj(body) || !isObj(body.fields)) throw jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
    const f = body.fields;
    const errors: Record<string, string> = {};
    const projectKey = isObj(f.project) && typeof f.project.key === 'string' ? f.project.key : null;
    if (!projectKey || !/^[A-Z][A-Z0-9_]+$/.test(projectKey)) errors.project = 'Specify a valid project ID or key';
    const issueType = isObj(f.issuetype) && typeof f.issuetype.name === 'string' ? f.issuetype.name : null;
    if (!issueType || !ISSUE_TYPES.includes(issueType)) errors.issuetype = 'Specify an issue type';
    const summary = typeof f.summary === 'string' ? f.summary : '';
    if (!summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (f.description !== undefined && f.description !== null && !isAdfDoc(f.description)) {
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    let labels: string[] = [];
    if (f.labels !== undefined) {
      if (!Array.isArray(f.labels) || !f.labels.every((l) => typeof l === 'string' && l !== '' && !/\s/.test(l))) {
        errors.labels = 'The label must not contain spaces.';
      } else {
        labels = f.labels as string[];
      }
    }
    let priority: string | null = null;
    if (f.priority !== undefined) {
      const p = isObj(f.priority) && typeof f.priority.name === 'string' ? f.priority.name : null;
      if (!p || !PRIORITIES.includes(p)) errors.priority = 'Specify the Priority (id or name) in the string format';
      else priority = p;
    }
    let assigneeAccountId: string | null = null;
    if (f.assignee !== undefined && f.assignee !== null) {
      const a = isObj(f.assignee) && typeof f.assignee.accountId === 'string' ? f.assignee.accountId : null;
      if (!a || !users.has(a)) errors.assignee = `User '${a ?? ''}' cannot be assigned issues.`;
      else assigneeAccountId = a;
    }
    if (Object.keys(errors).length) throw jiraError(400, [], errors);

    const project = projectKey as string;
    const n = (projectCounters.get(project) ?? 0) + 1;
    projectCounters.set(project, n);
    const issue: FakeJiraIssue = {
      id: String(nextIssueId++),
      key: `${project}-${n}`,
      project,
      summary,
      sprintId: null,
      assigneeAccountId,
      status: 'To Do',
      labels,
      issueType: issueType as string,
      priority,
      description: f.description ?? null,
      updated: jiraTime(Date.now()),
    };
    issues.set(issue.key, issue);
    created.push({ id: issue.id, key: issue.key, fields: structuredClone(f) });
    return { id: issue.id, key: issue.key, self: `${baseUrl}/rest/api/3/issue/${issue.id}` };
  }

  function findIssue(keyOrId: string): FakeJiraIssue {
    const byKey = issues.get(keyOrId.toUpperCase());
    const found = byKey ?? [...issues.values()].find((i) => i.id === keyOrId);
    if (!found) throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    return found;
  }

  // -- Routing ------------------------------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw jiraError(400, ['Unexpected character in the request body: it is not valid JSON.']);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const body = method === 'GET' ? undefined : await readBody(req);
    calls.push({ method, path, query, body, authorization: req.headers.authorization ?? null });

    const auth = req.headers.authorization ?? '';
    const authOk = auth === expectedBasic || (options.bearerToken !== undefined && auth === `Bearer ${options.bearerToken}`);
    if (!authOk) {
      res.setHeader('WWW-Authenticate', 'OAuth realm="https%3A%2F%2Ffake.atlassian.net"');
      res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
      return { status: 401, body: 'Client must be authenticated to access this resource.' };
    }

    const queued = failures.get(path);
    const failure = queued?.shift();
    if (failure) {
      if (queued && !queued.length) failures.delete(path);
      return failure;
    }

    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = path.match(/^\/rest\/agile\/1\.0\/board\/([^/]+)\/sprint$/))) {
      const boardId = Number(m[1]);
      if (!boards.has(boardId)) throw jiraError(404, ['Board does not exist or you do not have permission to see it.']);
      const states = query.state ? query.state.split(',').map((s) => s.trim()) : null;
      if (states && states.some((s) => !['active', 'future', 'closed'].includes(s))) {
        throw jiraError(400, [`The sprint state must be one of: future, active, closed.`]);
      }
      const all = [...sprints.values()].filter((s) => s.boardId === boardId && (!states || states.includes(s.state))).sort((a, b) => a.id - b.id);
      const startAt = parseStartAt(query.startAt);
      const limit = pageLimit(query.maxResults);
      const values = all.slice(startAt, startAt + limit);
      return {
        status: 200,
        body: { maxResults: limit, startAt, total: all.length, isLast: startAt + values.length >= all.length, values: values.map(sprintJson) },
      };
    }
    if (method === 'GET' && (m = path.match(/^\/rest\/agile\/1\.0\/sprint\/([^/]+)\/issue$/))) {
      const sprintId = Number(m[1]);
      if (!sprints.has(sprintId)) throw jiraError(404, [`Sprint with id ${m[1]} does not exist or you do not have permission to see it.`]);
      const matcher = query.jql ? compileJql(query.jql) : () => true;
      const all = sortedIssues().filter((i) => i.sprintId === sprintId && matcher(i));
      const startAt = parseStartAt(query.startAt);
      const limit = pageLimit(query.maxResults);
      const wanted = parseFields(query.fields);
      // Like Jira's search-style answer: startAt/maxResults/total, no isLast.
      return {
        status: 200,
        body: {
          expand: 'schema,names',
          startAt,
          maxResults: limit,
          total: all.length,
          issues: all.slice(startAt, startAt + limit).map((i) => issueJson(i, wanted)),
        },
      };
    }
    if (path === '/rest/api/3/search/jql') {
      if (method === 'POST') {
        if (!isObj(body)) throw jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
        if ('startAt' in body) throw jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
        return { status: 200, body: search(typeof body.jql === 'string' ? body.jql : '', body.fields, body.maxResults, body.nextPageToken) };
      }
      if (method === 'GET') return { status: 200, body: search(query.jql ?? '', query.fields, query.maxResults, query.nextPageToken) };
    }
    if (method === 'POST' && path === '/rest/api/3/issue') {
      return { status: 201, body: createIssue(body) };
    }
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/))) {
      const issue = findIssue(decodeURIComponent(m[1] ?? ''));
      if (method === 'GET') {
        const transitions = TRANSITIONS.filter((t) => t.to.toLowerCase() !== issue.status.toLowerCase()).map((t) => {
          const st = statusInfo(t.to);
          return {
            id: t.id,
            name: t.name,
            to: {
              self: `${baseUrl}/rest/api/3/status/${st.id}`,
              name: t.to,
              id: st.id,
              statusCategory: { id: st.categoryId, key: st.category, name: st.categoryName },
            },
            hasScreen: false,
            isGlobal: true,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          };
        });
        return { status: 200, body: { expand: 'transitions', transitions } };
      }
      if (method === 'POST') {
        const id = isObj(body) && isObj(body.transition) ? body.transition.id : undefined;
        const t = TRANSITIONS.find((x) => x.id === String(id) && x.to.toLowerCase() !== issue.status.toLowerCase());
        if (!t) throw jiraError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
        issue.status = t.to;
        issue.updated = jiraTime(Date.now());
        return { status: 204 };
      }
    }
    if (method === 'GET' && (m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)$/))) {
      const issue = findIssue(decodeURIComponent(m[1] ?? ''));
      return { status: 200, body: issueJson(issue, parseFields(query.fields)) };
    }
    if (method === 'GET' && path === '/rest/api/3/user/search') {
      const q = (query.query ?? '').trim().toLowerCase();
      if (!q && !query.accountId) throw jiraError(400, ["The query parameter 'query' or 'accountId' is required."]);
      const found = [...users.values()].filter((u) =>
        query.accountId
          ? u.accountId === query.accountId
          : u.emailAddress.toLowerCase().startsWith(q) ||
            u.displayName
              .toLowerCase()
              .split(/\s+/)
              .some((w) => w.startsWith(q)) ||
            u.displayName.toLowerCase().startsWith(q),
      );
      const startAt = parseStartAt(query.startAt);
      const limit = Math.min(Number(query.maxResults) || 50, 1000);
      return { status: 200, body: found.slice(startAt, startAt + limit).map(userJson) };
    }
    throw jiraError(404, [`No fake route for ${method} ${path}`]);
  }

  const server = createServer((req, res) => {
    route(req, res)
      .catch((e: unknown) => {
        if (e instanceof HttpError) return { status: e.status, body: e.body };
        return { status: 500, body: { errorMessages: [e instanceof Error ? e.message : String(e)], errors: {} } };
      })
      .then(({ status, body, headers }: { status: number; body?: unknown; headers?: Record<string, string> }) => {
        for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
        if (body === undefined || status === 204) {
          res.writeHead(status).end();
        } else if (typeof body === 'string') {
          res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8' }).end(body);
        } else {
          res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
        }
      })
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function addUser(u: FakeJiraUser): void {
    const existing = users.get(u.accountId);
    users.set(u.accountId, { ...existing, ...u });
  }

  return {
    url: baseUrl,
    addBoard(id, name) {
      boards.set(id, { id, name });
    },
    addSprint(boardId, sprint) {
      if (!boards.has(boardId)) throw new Error(`fake jira: no board ${boardId}`);
      sprints.set(sprint.id, { ...sprint, boardId });
    },
    addIssue(input) {
      const key = input.key.toUpperCase();
      if (input.sprintId !== undefined && !sprints.has(input.sprintId)) throw new Error(`fake jira: no sprint ${input.sprintId}`);
      if (input.assignee) addUser({ ...users.get(input.assignee.accountId), ...input.assignee });
      const project = input.project ?? key.replace(/-\d+$/, '');
      const n = Number(key.match(/-(\d+)$/)?.[1] ?? 0);
      projectCounters.set(project, Math.max(projectCounters.get(project) ?? 0, n));
      const issue: FakeJiraIssue = {
        id: String(nextIssueId++),
        key,
        project,
        summary: input.summary,
        sprintId: input.sprintId ?? null,
        assigneeAccountId: input.assignee?.accountId ?? null,
        status: input.status ?? 'To Do',
        labels: [...(input.labels ?? [])],
        issueType: input.issueType ?? 'Task',
        priority: input.priority ?? 'Medium',
        description: input.description ?? null,
        updated: jiraTime(Date.now()),
      };
      issues.set(key, issue);
      return issue;
    },
    addUser,
    issue: (key) => issues.get(key.toUpperCase()),
    createdIssues: () => created.map((c) => structuredClone(c)),
    calls: () => [...calls],
    failNext(path, status, body, headers) {
      const queue = failures.get(path) ?? [];
      queue.push({ status, body: body ?? { errorMessages: [`Injected failure ${status}`], errors: {} }, ...(headers ? { headers } : {}) });
      failures.set(path, queue);
    },
    setPageSize(n) {
      pageSize = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
