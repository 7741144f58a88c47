/**
 * Client for error triage, security reports and the better-engineering backlog. Kept apart from
 * api.ts; it uses the same `request` helper (so failures throw ApiError like everywhere else).
 */
import { request, type Incident, type Timestamp, type TimelineEvent } from './api.ts';

const enc = encodeURIComponent;

function query(params: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------------------------------------
// Triage

export type TriageState = 'open' | 'decided' | 'closed';
export type TriageDecision = 'incident' | 'bug' | 'fixing' | 'noise';

export interface TriageItem {
  id: string;
  number: number;
  serviceId: string;
  source: string;
  sourceId: string;
  shortId: string | null;
  title: string;
  culprit: string;
  level: string;
  platform: string | null;
  project: string | null;
  environment: string | null;
  webUrl: string | null;
  sentryStatus: string;
  sentryAssignee: string | null;
  state: TriageState;
  regression: boolean;
  regressedAt: Timestamp | null;
  events: number;
  usersAffected: number;
  firstSeen: Timestamp;
  lastSeen: Timestamp;
  decision: TriageDecision | null;
  decisionDetail: Record<string, unknown>;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  assigneeId: string | null;
  incidentId: string | null;
  jiraKey: string | null;
  jiraUrl: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface TriageQueue {
  guidance: string;
  data: TriageItem[];
}

// ---------------------------------------------------------------------------------------------
// Backlog

export type BacklogPriority = 'highest' | 'high' | 'medium' | 'low' | 'lowest';
export const BACKLOG_PRIORITIES: readonly BacklogPriority[] = ['highest', 'high', 'medium', 'low', 'lowest'];
export type BacklogStatus = 'todo' | 'in_progress' | 'done';

export interface BacklogTask {
  id: string;
  number: number;
  /** Jira key, or BE-12 for a local task. */
  reference: string;
  title: string;
  description: string;
  teamId: string | null;
  priority: BacklogPriority;
  status: BacklogStatus;
  assigneeId: string | null;
  labels: string[];
  source: 'local' | 'jira';
  jiraKey: string | null;
  jiraUrl: string | null;
  jiraStatus: string | null;
  jiraAssignee: string | null;
  archived: boolean;
  pickedAt: Timestamp | null;
  doneBy: string | null;
  doneAt: Timestamp | null;
  createdBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  syncedAt: Timestamp | null;
}

export interface BacklogSync {
  at: number;
  total: number;
  created: number;
  updated: number;
  archived: number;
}

export interface BacklogList {
  data: BacklogTask[];
  lastSync: BacklogSync | null;
}

export interface BacklogSuggestion {
  busy: boolean;
  reasons: string[];
  task: BacklogTask | null;
  inProgress: BacklogTask[];
}

export interface BacklogInput {
  title: string;
  description?: string;
  priority?: BacklogPriority;
  team?: string | null;
  assignee?: string | null;
  labels?: string[];
}

export const triageApi = {
  triage: {
    list: (q: { state?: TriageState | 'all'; service?: string; regression?: boolean; limit?: number } = {}) => request<TriageQueue>('GET', `/triage${query(q)}`),
    get: (id: string) => request<{ item: TriageItem; timeline: TimelineEvent[] }>('GET', `/triage/${enc(id)}`),
    incident: (id: string, body: { severity?: string; incidentId?: string } = {}) =>
      request<{ item: TriageItem; incident: Incident }>('POST', `/triage/${enc(id)}/incident`, body),
    bug: (id: string) => request<{ item: TriageItem; ticket: { key: string; url: string; local: boolean } }>('POST', `/triage/${enc(id)}/bug`),
    fixing: (id: string) => request<TriageItem>('POST', `/triage/${enc(id)}/fixing`),
    noise: (id: string, action: 'ignore' | 'resolve', ignoreDurationMinutes?: number) =>
      request<TriageItem>('POST', `/triage/${enc(id)}/noise`, { action, ...(ignoreDurationMinutes ? { ignoreDurationMinutes } : {}) }),
  },

  security: {
    /** Any signed-in user; becomes a private incident. */
    report: (input: { title: string; description: string; severity?: string }) => request<Incident>('POST', '/security-reports', input),
  },

  backlog: {
    list: (q: { status?: BacklogStatus | 'open' | 'all'; team?: string; assignee?: string; source?: 'local' | 'jira'; limit?: number } = {}) =>
      request<BacklogList>('GET', `/backlog${query(q)}`),
    get: (id: string) => request<{ task: BacklogTask; timeline: TimelineEvent[] }>('GET', `/backlog/${enc(id)}`),
    create: (input: BacklogInput) => request<BacklogTask>('POST', '/backlog', input),
    pick: (id: string, assignee?: string) => request<BacklogTask>('POST', `/backlog/${enc(id)}/pick`, assignee ? { assignee } : {}),
    done: (id: string) => request<BacklogTask>('POST', `/backlog/${enc(id)}/done`),
    sync: () => request<Omit<BacklogSync, 'at'>>('POST', '/backlog/sync'),
    suggestion: () => request<BacklogSuggestion>('GET', '/backlog/suggestion'),
  },
};

