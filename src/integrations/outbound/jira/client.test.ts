import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeJira, type FakeJira } from '../../../../test/fakes/jira.js';
import { JiraClient, JiraError, plainTextToAdf } from './client.js';

const EMAIL = 'vigil-bot@example.com';
const TOKEN = 'api-token-123';

const alice = { accountId: 'acc-alice', emailAddress: 'alice@example.com', displayName: 'Alice Anders' };
const bob = { accountId: 'acc-bob', emailAddress: 'bob@example.com', displayName: 'Bob Berg' };

let jira: FakeJira;
let client: JiraClient;

async function expectJiraError(p: Promise<unknown>): Promise<JiraError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(JiraError);
    return e as JiraError;
  }
  throw new Error('expected a JiraError');
}

beforeAll(async () => {
  jira = await startFakeJira({ email: EMAIL, apiToken: TOKEN, bearerToken: 'oauth-access-token' });
  jira.addBoard(7, 'OPS board');
  jira.addSprint(7, { id: 1, name: 'OPS 1', state: 'closed', startDate: '2026-02-16T09:00:00.000Z', endDate: '2026-03-02T09:00:00.000Z' });
  jira.addSprint(7, { id: 2, name: 'OPS 2', state: 'active', startDate: '2026-03-02T09:00:00.000Z', endDate: '2026-03-16T09:00:00.000Z' });
  jira.addSprint(7, { id: 3, name: 'OPS 3', state: 'future', startDate: '2026-03-16T09:00:00.000+01:00', endDate: '2026-03-30T09:00:00.000+01:00' });
  jira.addSprint(7, { id: 4, name: 'OPS 4', state: 'future' }); // not planned yet: no dates
  jira.addSprint(7, { id: 5, name: 'OPS 5', state: 'future' });
  jira.addBoard(8, 'Empty board');
  jira.addIssue({ key: 'OPS-1', summary: 'Rotate certs', sprintId: 2, assignee: alice, status: 'In Progress', labels: ['security'] });
  jira.addIssue({ key: 'OPS-2', summary: 'Upgrade Postgres', sprintId: 2, assignee: bob, status: 'To Do' });
  jira.addIssue({ key: 'OPS-3', summary: 'Unassigned chore', sprintId: 2, status: 'To Do' });
  jira.addIssue({ key: 'OPS-4', summary: 'Shipped thing', sprintId: 2, assignee: alice, status: 'Done' });
  jira.addIssue({ key: 'OPS-5', summary: 'Alert tuning', sprintId: 2, assignee: alice, status: 'To Do', labels: ['alerts', 'noise'] });
  jira.addIssue({ key: 'OPS-6', summary: 'Next sprint work', sprintId: 3, assignee: bob });
  jira.addIssue({ key: 'OPS-7', summary: 'Backlog item', assignee: alice });
  jira.addUser({ accountId: 'acc-hidden', emailAddress: 'hidden@example.com', displayName: 'Hidden Hugo', hideEmail: true });
  jira.addUser({ accountId: 'acc-alicia', emailAddress: 'alice@example.community', displayName: 'Alicia' });
  jira.addUser({ accountId: 'acc-ghost', emailAddress: 'ghost@example.com', displayName: 'Ghost', hideEmail: true });
  jira.addUser({ accountId: 'acc-ghost-au', emailAddress: 'ghost@example.com.au', displayName: 'Ghost AU' });
});

afterAll(async () => {
  await jira.close();
});

beforeEach(() => {
  client = new JiraClient({ baseUrl: `${jira.url}/`, email: EMAIL, apiToken: TOKEN, pageSize: 50 });
});

const callsTo = (path: string) => jira.calls().filter((c) => c.path === path);

describe('listSprints', () => {
  it('pages through startAt/isLast and filters by state', async () => {
    const before = callsTo('/rest/agile/1.0/board/7/sprint').length;
    const sprints = await client.listSprints(7, ['active', 'future']);
    expect(sprints.map((s) => [s.id, s.name, s.state])).toEqual([
      [2, 'OPS 2', 'active'],
      [3, 'OPS 3', 'future'],
      [4, 'OPS 4', 'future'],
      [5, 'OPS 5', 'future'],
    ]);
    const calls = callsTo('/rest/agile/1.0/board/7/sprint').slice(before);
    expect(calls.map((c) => [c.query.state, c.query.startAt])).toEqual([
      ['active,future', '0'],
      ['active,future', '2'],
    ]);
    expect(calls[0]?.authorization).toBe(`Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`);
  });

  it('parses dates to epoch ms (with offsets) and leaves unplanned sprints without a window', async () => {
    const sprints = await client.listSprints(7, ['active', 'future']);
    const byId = new Map(sprints.map((s) => [s.id, s]));
    expect(byId.get(2)).toMatchObject({ start: Date.parse('2026-03-02T09:00:00Z'), end: Date.parse('2026-03-16T09:00:00Z'), originBoardId: 7 });
    expect(byId.get(3)).toMatchObject({ start: Date.parse('2026-03-16T08:00:00Z'), end: Date.parse('2026-03-30T08:00:00Z') });
    expect(byId.get(4)).toMatchObject({ startDate: null, endDate: null, start: null, end: null });
  });

  it('returns an empty list for a board without sprints, and 404 for an unknown board', async () => {
    expect(await client.listSprints(8, ['active'])).toEqual([]);
    const err = await expectJiraError(client.listSprints(99, ['active']));
    expect(err.status).toBe(404);
    expect(err.code).toBe('not_found');
    expect(err.messages).toEqual(['Board does not exist or you do not have permission to see it.']);
  });
});

describe('sprintIssues', () => {
  it('pages through startAt/total (no isLast) and types the fields', async () => {
    const before = callsTo('/rest/agile/1.0/sprint/2/issue').length;
    const issues = await client.sprintIssues(2);
    expect(issues.map((i) => i.key)).toEqual(['OPS-1', 'OPS-2', 'OPS-3', 'OPS-4', 'OPS-5']);
    const calls = callsTo('/rest/agile/1.0/sprint/2/issue').slice(before);
    expect(calls.map((c) => c.query.startAt)).toEqual(['0', '2', '4']);
    expect(calls[0]?.query.fields).toBe('summary,status,assignee,issuetype,priority,updated,labels');

    const [first] = issues;
    expect(first).toMatchObject({
      key: 'OPS-1',
      summary: 'Rotate certs',
      status: 'In Progress',
      statusCategory: 'indeterminate',
      assignee: { accountId: 'acc-alice', emailAddress: 'alice@example.com', displayName: 'Alice Anders', active: true },
      issuetype: 'Task',
      priority: 'Medium',
      labels: ['security'],
      url: `${jira.url}/browse/OPS-1`,
    });
    expect(first?.id).toMatch(/^\d+$/);
    expect(first?.updatedAt).toBe(Date.parse(first?.updated ?? ''));
    expect(issues.find((i) => i.key === 'OPS-3')?.assignee).toBeNull();
  });

  it('narrows by JQL and requests only the given fields', async () => {
    const issues = await client.sprintIssues(2, ['summary', 'assignee'], 'assignee = "acc-alice" AND statusCategory != Done');
    expect(issues.map((i) => i.key)).toEqual(['OPS-1', 'OPS-5']);
    expect(issues[0]?.status).toBeNull();
    expect(Object.keys(issues[0]?.fields ?? {}).sort()).toEqual(['assignee', 'summary']);
  });

  it('404 for an unknown sprint', async () => {
    const err = await expectJiraError(client.sprintIssues(404));
    expect(err.status).toBe(404);
  });
});

describe('searchJql', () => {
  it('POSTs the JQL and follows nextPageToken to the last page', async () => {
    const jql = 'assignee = "acc-alice" AND sprint in openSprints() AND statusCategory != Done ORDER BY key';
    const first = await client.searchJql(jql);
    expect(first.issues.map((i) => i.key)).toEqual(['OPS-1', 'OPS-5']);
    expect(first.nextPageToken).toBeNull();

    const all = await client.searchJqlAll('project = OPS');
    expect(all.map((i) => i.key)).toEqual(['OPS-1', 'OPS-2', 'OPS-3', 'OPS-4', 'OPS-5', 'OPS-6', 'OPS-7']);
    const bodies = callsTo('/rest/api/3/search/jql')
      .slice(-4)
      .map((c) => c.body as Record<string, unknown>);
    expect(bodies.map((b) => b.jql)).toEqual(Array(4).fill('project = OPS'));
    expect(bodies[0]).toMatchObject({ fields: ['summary', 'status', 'assignee', 'issuetype', 'priority', 'updated', 'labels'], maxResults: 50 });
    expect(bodies[0]).not.toHaveProperty('nextPageToken');
    expect(typeof bodies[1]?.nextPageToken).toBe('string');
  });

  it('one page at a time: the token leads to the next page', async () => {
    const p1 = await client.searchJql('project = OPS', ['summary']);
    expect(p1.issues.map((i) => i.key)).toEqual(['OPS-1', 'OPS-2']);
    expect(p1.nextPageToken).toEqual(expect.any(String));
    const p2 = await client.searchJql('project = OPS', ['summary'], p1.nextPageToken);
    expect(p2.issues.map((i) => i.key)).toEqual(['OPS-3', 'OPS-4']);
  });

  it('maxIssues caps searchJqlAll', async () => {
    const some = await client.searchJqlAll('project = OPS', ['summary'], 3);
    expect(some.map((i) => i.key)).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
  });

  it('surfaces JQL errors as bad_request with Jira messages', async () => {
    const err = await expectJiraError(client.searchJql(''));
    expect(err.status).toBe(400);
    expect(err.code).toBe('bad_request');
    expect(err.messages[0]).toMatch(/Unbounded JQL/);
  });
});

describe('plainTextToAdf', () => {
  it.each([
    ['empty', '', []],
    ['blank lines only', '\n \n', []],
    ['one line', 'Incident INC-42', [{ type: 'paragraph', content: [{ type: 'text', text: 'Incident INC-42' }] }]],
    [
      'paragraphs and line breaks (CRLF too)',
      'Line one\r\nLine two\r\n\r\nSecond paragraph',
      [
        { type: 'paragraph', content: [{ type: 'text', text: 'Line one' }, { type: 'hardBreak' }, { type: 'text', text: 'Line two' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Second paragraph' }] },
      ],
    ],
    [
      'links, without trailing punctuation',
      'See https://vigil.example.com/incidents/42.',
      [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'See ' },
            {
              type: 'text',
              text: 'https://vigil.example.com/incidents/42',
              marks: [{ type: 'link', attrs: { href: 'https://vigil.example.com/incidents/42' } }],
            },
            { type: 'text', text: '.' },
          ],
        },
      ],
    ],
  ])('%s', (_name, text, content) => {
    expect(plainTextToAdf(text)).toEqual({ type: 'doc', version: 1, content });
  });
});

describe('createIssue', () => {
  it('sends v3 fields with an ADF description and returns the browse URL', async () => {
    const created = await client.createIssue({
      projectKey: 'OPS',
      issueType: 'Task',
      summary: 'Postmortem: API latency 2026-03-04',
      description: 'Incident INC-42\nSeverity SEV-2\n\nTimeline: https://vigil.example.com/incidents/42',
      labels: ['incident', 'postmortem'],
      priority: 'High',
    });
    expect(created.key).toBe('OPS-8'); // after the seeded OPS-1..7
    expect(created.url).toBe(`${jira.url}/browse/OPS-8`);
    expect(created.self).toBe(`${jira.url}/rest/api/3/issue/${created.id}`);

    const sent = jira.createdIssues().at(-1);
    expect(sent?.fields).toEqual({
      project: { key: 'OPS' },
      issuetype: { name: 'Task' },
      summary: 'Postmortem: API latency 2026-03-04',
      description: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Incident INC-42' }, { type: 'hardBreak' }, { type: 'text', text: 'Severity SEV-2' }] },
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'Timeline: ' },
              {
                type: 'text',
                text: 'https://vigil.example.com/incidents/42',
                marks: [{ type: 'link', attrs: { href: 'https://vigil.example.com/incidents/42' } }],
              },
            ],
          },
        ],
      },
      labels: ['incident', 'postmortem'],
      priority: { name: 'High' },
    });

    const fetched = await client.getIssue(created.key);
    expect(fetched).toMatchObject({
      key: 'OPS-8',
      id: created.id,
      summary: 'Postmortem: API latency 2026-03-04',
      status: 'To Do',
      priority: 'High',
      labels: ['incident', 'postmortem'],
      assignee: null,
    });
  });

  it('maps validation errors ({errorMessages, errors}) to JiraError', async () => {
    const err = await expectJiraError(client.createIssue({ projectKey: 'OPS', issueType: 'Unicorn', summary: '', labels: ['has space'] }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('bad_request');
    expect(err.fieldErrors).toEqual({
      issuetype: 'Specify an issue type',
      summary: 'You must specify a summary of the issue.',
      labels: 'The label must not contain spaces.',
    });
    expect(err.messages).toContain('summary: You must specify a summary of the issue.');
    expect(err.message).toMatch(/^Jira POST \/rest\/api\/3\/issue failed with 400: /);
  });
});

describe('getIssue', () => {
  it('404 with Jira message for a missing issue', async () => {
    const err = await expectJiraError(client.getIssue('OPS-999'));
    expect(err).toMatchObject({ status: 404, code: 'not_found', messages: ['Issue does not exist or you do not have permission to see it.'] });
  });
});

describe('transitionIssue', () => {
  it('looks the transition up by name and posts its id', async () => {
    const res = await client.transitionIssue('OPS-2', 'in progress');
    expect(res).toEqual({ transitioned: true, transitionId: '21', status: 'In Progress' });
    expect(jira.issue('OPS-2')?.status).toBe('In Progress');
    const posted = callsTo('/rest/api/3/issue/OPS-2/transitions').filter((c) => c.method === 'POST');
    expect(posted.at(-1)?.body).toEqual({ transition: { id: '21' } });
  });

  it('is idempotent when the issue already is in that status', async () => {
    const res = await client.transitionIssue('OPS-4', 'Done');
    expect(res).toEqual({ transitioned: false, transitionId: null, status: 'Done' });
    expect(callsTo('/rest/api/3/issue/OPS-4/transitions').filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('names the available transitions when the wanted one does not exist', async () => {
    const err = await expectJiraError(client.transitionIssue('OPS-3', "Won't fix"));
    expect(err.code).toBe('transition_not_available');
    expect(err.messages[0]).toMatch(/available: In Progress, Done/);
  });
});

describe('findUserByEmail', () => {
  it.each([
    ['exact email match among prefix matches', 'alice@example.com', 'acc-alice'],
    ['case-insensitive', ' ALICE@Example.com ', 'acc-alice'],
    ['hidden email: the single result is the match', 'hidden@example.com', 'acc-hidden'],
    ['unknown', 'nobody@example.com', null],
    ['prefix only is not a match', 'alice@example.co', null],
    ['hidden email next to another prefix match is ambiguous: no match', 'ghost@example.com', null],
  ])('%s', async (_name, email, accountId) => {
    const user = await client.findUserByEmail(email);
    expect(user?.accountId ?? null).toBe(accountId);
  });

  it('passes the email as the query', async () => {
    await client.findUserByEmail('bob@example.com');
    expect(callsTo('/rest/api/3/user/search').at(-1)?.query.query).toBe('bob@example.com');
  });
});

describe('errors', () => {
  it('401: bad credentials give a clear message', async () => {
    const bad = new JiraClient({ baseUrl: jira.url, email: EMAIL, apiToken: 'wrong' });
    const err = await expectJiraError(bad.listSprints(7, ['active']));
    expect(err.status).toBe(401);
    expect(err.code).toBe('unauthorized');
    expect(err.messages[0]).toMatch(/rejected the credentials.*email and API token/);
    expect(err.messages).toContain('Client must be authenticated to access this resource.');
    expect(err.message).not.toContain('wrong');
    expect(err.retryable).toBe(false);
  });

  it('bearer token auth is accepted', async () => {
    const bearer = new JiraClient({ baseUrl: jira.url, bearerToken: 'oauth-access-token' });
    expect((await bearer.listSprints(7, ['active'])).map((s) => s.id)).toEqual([2]);
    expect(jira.calls().at(-1)?.authorization).toBe('Bearer oauth-access-token');
  });

  it('403: permission message, CAPTCHA variant', async () => {
    jira.failNext('/rest/api/3/issue', 403, { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} });
    let err = await expectJiraError(client.createIssue({ projectKey: 'OPS', issueType: 'Task', summary: 'x' }));
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
    expect(err.messages).toEqual([
      'Jira refused the request (403): the account lacks permission for this project, board or action',
      'You do not have permission to create issues in this project.',
    ]);

    jira.failNext('/rest/api/3/issue', 403, '', { 'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED' });
    err = await expectJiraError(client.createIssue({ projectKey: 'OPS', issueType: 'Task', summary: 'x' }));
    expect(err.messages[0]).toMatch(/CAPTCHA/);
  });

  it('429: Retry-After surfaced as retryAfterMs', async () => {
    jira.failNext('/rest/api/3/search/jql', 429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, { 'Retry-After': '7' });
    const err = await expectJiraError(client.searchJql('project = OPS'));
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 7000, retryable: true });
    expect(err.messages).toEqual(['Jira rate limit (429): retry after 7 s', 'Rate limit exceeded.']);
    // The next call goes through: failNext is one-shot.
    expect((await client.searchJql('project = OPS')).issues).toHaveLength(2);
  });

  it('fails mid-pagination instead of returning a partial list', async () => {
    jira.failNext('/rest/agile/1.0/sprint/2/issue', 200, {
      expand: 'schema,names',
      startAt: 0,
      maxResults: 2,
      total: 5,
      issues: [
        { id: '1', key: 'OPS-1', fields: {} },
        { id: '2', key: 'OPS-2', fields: {} },
      ],
    });
    jira.failNext('/rest/agile/1.0/sprint/2/issue', 503, 'Service Unavailable', { 'Retry-After': '2' });
    const err = await expectJiraError(client.sprintIssues(2));
    expect(err).toMatchObject({ status: 503, code: 'server_error', retryAfterMs: 2000, retryable: true, messages: ['Service Unavailable'] });
  });

  it('5xx HTML bodies do not leak into messages', async () => {
    jira.failNext('/rest/api/3/issue/OPS-1', 502, '<html><body>Bad gateway</body></html>');
    const err = await expectJiraError(client.getIssue('OPS-1'));
    expect(err.status).toBe(502);
    expect(err.messages.join(' ')).not.toContain('<html>');
  });

  it('a 200 that is not the expected shape is invalid_response', async () => {
    jira.failNext('/rest/agile/1.0/board/7/sprint', 200, { unexpected: true });
    const err = await expectJiraError(client.listSprints(7, ['active']));
    expect(err.code).toBe('invalid_response');
  });

  it('network failure and timeout have status 0', async () => {
    const closed = await startFakeJira({ email: EMAIL, apiToken: TOKEN });
    const url = closed.url;
    await closed.close();
    const down = new JiraClient({ baseUrl: url, email: EMAIL, apiToken: TOKEN });
    const netErr = await expectJiraError(down.getIssue('OPS-1'));
    expect(netErr).toMatchObject({ status: 0, code: 'network', retryable: true });

    // A server that accepts and never answers.
    const hang: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    try {
      const slow = new JiraClient({ baseUrl: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`, email: EMAIL, apiToken: TOKEN, timeoutMs: 100 });
      const timeoutErr = await expectJiraError(slow.getIssue('OPS-1'));
      expect(timeoutErr).toMatchObject({ status: 0, code: 'timeout' });
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((resolve) => hang.close(() => resolve()));
    }
  });

  it('rejects incomplete options', () => {
    expect(() => new JiraClient({ baseUrl: 'ftp://x', email: EMAIL, apiToken: TOKEN })).toThrow(/baseUrl/);
    expect(() => new JiraClient({ baseUrl: jira.url, email: EMAIL, apiToken: '' })).toThrow(/apiToken/);
  });
});
