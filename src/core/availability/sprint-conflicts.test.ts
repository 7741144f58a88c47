import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import {
  availabilityFor,
  clipIntervals,
  findSprintConflicts,
  mergeIntervals,
  type FindSprintConflictsInput,
  type OnCallEngineer,
  type SprintIssueInput,
  type SprintWindowInput,
} from './sprint-conflicts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

// Two-week sprint 1: Mon 2026-03-02 09:00Z .. Mon 2026-03-16 09:00Z; sprint 2 follows.
const S1_START = utc('2026-03-02T09:00:00Z');
const S1_END = utc('2026-03-16T09:00:00Z');
const S2_END = utc('2026-03-30T09:00:00Z');

const sprint1: SprintWindowInput = { id: 101, name: 'OPS Sprint 1', state: 'active', startDate: S1_START, endDate: S1_END };
const sprint2: SprintWindowInput = { id: 102, name: 'OPS Sprint 2', state: 'future', startDate: S1_END, endDate: S2_END };

const alice: OnCallEngineer = { userId: 'u-alice', email: 'alice@example.com', name: 'Alice', intervals: [] };
const bob: OnCallEngineer = { userId: 'u-bob', email: 'bob@example.com', name: 'Bob', intervals: [] };
const carol: OnCallEngineer = { userId: 'u-carol', email: 'carol@example.com', name: 'Carol', intervals: [] };

const issue = (key: string, assignee: SprintIssueInput['assignee']): SprintIssueInput => ({
  key,
  summary: `Summary of ${key}`,
  assignee,
  url: `https://acme.atlassian.net/browse/${key}`,
});
const jiraUser = (accountId: string, email: string | null, displayName = accountId) => ({ accountId, email, displayName });

function run(p: Partial<FindSprintConflictsInput>) {
  return findSprintConflicts({ sprints: [sprint1], issuesBySprint: {}, onCall: [], ...p });
}

function expectInvalid(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    expect((e as DomainError).code).toBe(code);
    return;
  }
  throw new Error(`expected invalid(${code})`);
}

describe('mergeIntervals / clipIntervals', () => {
  it.each([
    ['empty', [], []],
    [
      'drops empty and inverted',
      [
        { start: 5, end: 5 },
        { start: 9, end: 3 },
      ],
      [],
    ],
    [
      'merges overlapping and touching, sorts',
      [
        { start: 20, end: 30 },
        { start: 0, end: 10 },
        { start: 10, end: 15 },
        { start: 25, end: 40 },
      ],
      [
        { start: 0, end: 15 },
        { start: 20, end: 40 },
      ],
    ],
    [
      'keeps gaps',
      [
        { start: 0, end: 1 },
        { start: 2, end: 3 },
      ],
      [
        { start: 0, end: 1 },
        { start: 2, end: 3 },
      ],
    ],
    [
      'drops NaN',
      [
        { start: Number.NaN, end: 3 },
        { start: 1, end: 2 },
      ],
      [{ start: 1, end: 2 }],
    ],
  ])('merge: %s', (_name, input, expected) => {
    expect(mergeIntervals(input)).toEqual(expected);
  });

  it.each([
    ['inside', [{ start: 12, end: 18 }], [{ start: 12, end: 18 }]],
    ['straddles start', [{ start: 5, end: 15 }], [{ start: 10, end: 15 }]],
    ['straddles end', [{ start: 15, end: 25 }], [{ start: 15, end: 20 }]],
    ['covers window', [{ start: 0, end: 100 }], [{ start: 10, end: 20 }]],
    ['ends at window start (half-open)', [{ start: 0, end: 10 }], []],
    ['starts at window end (half-open)', [{ start: 20, end: 30 }], []],
    ['outside', [{ start: 30, end: 40 }], []],
  ])('clip to [10, 20): %s', (_name, input, expected) => {
    expect(clipIntervals(input, 10, 20)).toEqual(expected);
  });
});

describe('findSprintConflicts: what is and is not a conflict', () => {
  const weekOfS1 = { start: utc('2026-03-09T10:00:00Z'), end: utc('2026-03-16T10:00:00Z') }; // 167h inside S1
  type Case = [name: string, input: Partial<FindSprintConflictsInput>, expectedKeys: string[]];
  const cases: Case[] = [
    [
      'assignee on call during the sprint (email match)',
      { onCall: [{ ...alice, intervals: [weekOfS1] }], issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] } },
      ['OPS-1'],
    ],
    [
      'email match is case-insensitive and trims',
      { onCall: [{ ...alice, intervals: [weekOfS1] }], issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', '  Alice@Example.COM '))] } },
      ['OPS-1'],
    ],
    ['unassigned issue', { onCall: [{ ...alice, intervals: [weekOfS1] }], issuesBySprint: { '101': [issue('OPS-1', null)] } }, []],
    [
      'assignee is not on call at all',
      { onCall: [{ ...alice, intervals: [weekOfS1] }], issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-b', 'bob@example.com'))] } },
      [],
    ],
    [
      'assignee on call, but only before the sprint',
      {
        onCall: [{ ...alice, intervals: [{ start: S1_START - 7 * DAY, end: S1_START }] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'assignee on call, but only after the sprint',
      {
        onCall: [{ ...alice, intervals: [{ start: S1_END, end: S1_END + 7 * DAY }] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'assignee email hidden by Jira and no account mapping',
      { onCall: [{ ...alice, intervals: [weekOfS1] }], issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', null))] } },
      [],
    ],
    [
      'assignee email hidden, matched by accountId mapping',
      {
        onCall: [{ ...alice, intervals: [weekOfS1] }],
        accountIdToUserId: { 'acc-a': 'u-alice' },
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', null))] },
      },
      ['OPS-1'],
    ],
    [
      'the accountId mapping wins over a matching email',
      {
        onCall: [
          { ...alice, intervals: [weekOfS1] },
          { ...bob, intervals: [] },
        ],
        accountIdToUserId: { 'acc-x': 'u-bob' },
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-x', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'a mapping inherited from Object.prototype is not a mapping',
      {
        onCall: [{ ...alice, intervals: [weekOfS1] }],
        accountIdToUserId: {},
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('toString', 'alice@example.com'))] },
      },
      ['OPS-1'],
    ],
    [
      'overlap below minOverlapMs',
      {
        minOverlapMs: 2 * HOUR,
        onCall: [{ ...alice, intervals: [{ start: S1_END - HOUR, end: S1_END + DAY }] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'overlap exactly minOverlapMs counts',
      {
        minOverlapMs: HOUR,
        onCall: [{ ...alice, intervals: [{ start: S1_END - HOUR, end: S1_END + DAY }] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      ['OPS-1'],
    ],
    [
      'minOverlapMs applies to the total of several short shifts',
      {
        minOverlapMs: 2 * HOUR,
        onCall: [
          {
            ...alice,
            intervals: [
              { start: S1_START, end: S1_START + HOUR },
              { start: S1_START + DAY, end: S1_START + DAY + HOUR },
            ],
          },
        ],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      ['OPS-1'],
    ],
    [
      'issues filed under another sprint id are not checked against this sprint',
      {
        onCall: [{ ...alice, intervals: [weekOfS1] }],
        issuesBySprint: { '999': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'sprint without a valid window (future sprint with no dates) is skipped',
      {
        sprints: [{ ...sprint1, startDate: Number.NaN, endDate: Number.NaN }],
        onCall: [{ ...alice, intervals: [weekOfS1] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      [],
    ],
    [
      'the same issue listed twice is reported once',
      {
        onCall: [{ ...alice, intervals: [weekOfS1] }],
        issuesBySprint: { '101': [issue('OPS-1', jiraUser('acc-a', 'alice@example.com')), issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
      },
      ['OPS-1'],
    ],
  ];

  it.each(cases)('%s', (_name, input, expectedKeys) => {
    expect(run(input).map((c) => c.issue.key)).toEqual(expectedKeys);
  });

  it('rejects a negative minOverlapMs', () => {
    expectInvalid(() => run({ minOverlapMs: -1 }), 'invalid_min_overlap');
  });
});

describe('findSprintConflicts: one planted conflict among many non-conflicts', () => {
  // Alice is on call Wed 2026-03-18 10:00Z .. Wed 2026-03-25 10:00Z: inside sprint 2 only.
  // Bob was on call the week before sprint 1 and in sprint 1 only for the last hour before it ended.
  // Carol is not on call at all.
  const aliceWeek = { start: utc('2026-03-18T10:00:00Z'), end: utc('2026-03-25T10:00:00Z') };
  const input: FindSprintConflictsInput = {
    sprints: [sprint1, sprint2],
    minOverlapMs: 4 * HOUR,
    onCall: [
      { ...alice, intervals: [aliceWeek] },
      {
        ...bob,
        intervals: [
          { start: S1_START - 7 * DAY, end: S1_START },
          { start: S1_END - HOUR, end: S1_END },
        ],
      },
      { ...carol, intervals: [] },
    ],
    issuesBySprint: {
      '101': [
        issue('OPS-10', jiraUser('acc-a', 'alice@example.com', 'Alice A')), // Alice is not on call in sprint 1
        issue('OPS-11', jiraUser('acc-b', 'bob@example.com', 'Bob B')), // Bob: 1h < 4h minimum
        issue('OPS-12', jiraUser('acc-c', 'carol@example.com', 'Carol C')), // Carol never on call
        issue('OPS-13', null),
      ],
      '102': [
        issue('OPS-20', jiraUser('acc-b', 'bob@example.com', 'Bob B')), // Bob is not on call in sprint 2
        issue('OPS-21', jiraUser('acc-a', 'ALICE@example.com', 'Alice A')), // the planted conflict
        issue('OPS-22', null),
        issue('OPS-23', jiraUser('acc-z', 'zed@example.com', 'Zed')), // not a Vigil on-call engineer
      ],
    },
  };

  it('finds exactly the planted conflict, with its hours and overlap', () => {
    const conflicts = findSprintConflicts(input);
    expect(conflicts).toEqual([
      {
        sprint: { id: 102, name: 'OPS Sprint 2', start: S1_END, end: S2_END },
        issue: { key: 'OPS-21', summary: 'Summary of OPS-21', url: 'https://acme.atlassian.net/browse/OPS-21' },
        user: { id: 'u-alice', email: 'alice@example.com', name: 'Alice' },
        onCallHours: 168,
        overlaps: [aliceWeek],
      },
    ]);
  });

  it('reports Bob too once the minimum overlap is dropped, sorted by sprint start', () => {
    const conflicts = findSprintConflicts({ ...input, minOverlapMs: 0 });
    expect(conflicts.map((c) => [c.sprint.id, c.issue.key, c.user.id, c.onCallHours])).toEqual([
      [101, 'OPS-11', 'u-bob', 1],
      [102, 'OPS-21', 'u-alice', 168],
    ]);
    expect(conflicts[0]?.overlaps.map((o) => [iso(o.start), iso(o.end)])).toEqual([['2026-03-16T08:00:00.000Z', '2026-03-16T09:00:00.000Z']]);
  });
});

describe('findSprintConflicts: hours and overlaps', () => {
  it('clips to the sprint window and does not double count an engineer listed by two schedules', () => {
    const conflicts = findSprintConflicts({
      sprints: [sprint1],
      onCall: [
        { ...alice, intervals: [{ start: S1_START - DAY, end: S1_START + DAY }] }, // 24h inside
        { ...alice, intervals: [{ start: S1_START + 12 * HOUR, end: S1_START + 36 * HOUR }] }, // overlaps the first
      ],
      issuesBySprint: { '101': [issue('OPS-2', jiraUser('acc-a', 'alice@example.com')), issue('OPS-1', jiraUser('acc-a', 'alice@example.com'))] },
    });
    expect(conflicts.map((c) => c.issue.key)).toEqual(['OPS-1', 'OPS-2']);
    for (const c of conflicts) {
      expect(c.onCallHours).toBe(36);
      expect(c.overlaps).toEqual([{ start: S1_START, end: S1_START + 36 * HOUR }]);
    }
    // Results do not share interval objects.
    expect(conflicts[0]?.overlaps).not.toBe(conflicts[1]?.overlaps);
  });

  it('orders issue keys numerically', () => {
    const onCall = [{ ...alice, intervals: [{ start: S1_START, end: S1_END }] }];
    const a = jiraUser('acc-a', 'alice@example.com');
    const conflicts = findSprintConflicts({ sprints: [sprint1], onCall, issuesBySprint: { '101': [issue('OPS-10', a), issue('OPS-9', a)] } });
    expect(conflicts.map((c) => c.issue.key)).toEqual(['OPS-9', 'OPS-10']);
    expect(conflicts[0]?.onCallHours).toBe(14 * 24);
  });
});

describe('availabilityFor', () => {
  const from = utc('2026-03-02T00:00:00Z');
  const to = utc('2026-03-09T00:00:00Z');
  const members = [alice, bob, carol].map(({ userId, name, email }) => ({ userId, name, email }));
  const onCall: OnCallEngineer[] = [
    { ...alice, intervals: [{ start: from - DAY, end: from + 2 * DAY }] }, // 48h inside
    {
      ...bob,
      intervals: [
        { start: to - 3 * HOUR, end: to + DAY },
        { start: to + 2 * DAY, end: to + 3 * DAY },
      ],
    }, // 3h inside
    { ...alice, intervals: [{ start: from + DAY, end: from + 3 * DAY }] }, // overlaps: Alice totals 72h
  ];

  type Case = [name: string, maxOnCallHours: number | undefined, expected: [string, number, boolean][]];
  const cases: Case[] = [
    [
      'default: anyone on call is not allocatable',
      undefined,
      [
        ['u-alice', 72, false],
        ['u-bob', 3, false],
        ['u-carol', 0, true],
      ],
    ],
    [
      'a few hours allowed',
      4,
      [
        ['u-alice', 72, false],
        ['u-bob', 3, true],
        ['u-carol', 0, true],
      ],
    ],
    [
      'exactly at the limit is allocatable',
      72,
      [
        ['u-alice', 72, true],
        ['u-bob', 3, true],
        ['u-carol', 0, true],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, maxOnCallHours, expected) => {
    const result = availabilityFor({ members, onCall, from, to, ...(maxOnCallHours === undefined ? {} : { maxOnCallHours }) });
    expect(result.map((r) => [r.userId, r.onCallHours, r.allocatable])).toEqual(expected);
  });

  it('returns shifts clipped to the window, merged, with member details', () => {
    const [a, b, c] = availabilityFor({ members, onCall, from, to });
    expect(a).toEqual({
      userId: 'u-alice',
      name: 'Alice',
      email: 'alice@example.com',
      onCallHours: 72,
      onCallShifts: [{ start: from, end: from + 3 * DAY }],
      allocatable: false,
    });
    expect(b?.onCallShifts).toEqual([{ start: to - 3 * HOUR, end: to }]);
    expect(c?.onCallShifts).toEqual([]);
  });

  it('ignores on-call entries of non-members', () => {
    const result = availabilityFor({ members: [members[2]!], onCall, from, to });
    expect(result).toHaveLength(1);
    expect(result[0]?.allocatable).toBe(true);
  });

  it.each([
    ['empty window', { from: to, to: to }, 'invalid_window'],
    ['inverted window', { from: to, to: from }, 'invalid_window'],
    ['negative maxOnCallHours', { from, to, maxOnCallHours: -1 }, 'invalid_max_on_call_hours'],
  ])('rejects %s', (_name, p, code) => {
    expectInvalid(() => availabilityFor({ members, onCall, ...p }), code);
  });
});
