/**
 * Client for error triage, security reports and the better-engineering backlog. Kept apart from
 * api.ts; it uses the same typed `call` helper (so failures throw ApiError like everywhere else),
 * and its types are the API document's (./generated/openapi.ts).
 */
import { call, type BodyOf, type QueryOf, type ResponseOf } from './api.ts';
import type { components } from './generated/openapi.ts';

// ---------------------------------------------------------------------------------------------
// Triage

export type TriageItem = components['schemas']['TriageItem'];
export type TriageState = TriageItem['state'];
export type TriageDecision = NonNullable<TriageItem['decision']>;
export type TriageQueue = ResponseOf<'/triage', 'get'>;

// ---------------------------------------------------------------------------------------------
// Backlog

export type BacklogTask = components['schemas']['BacklogTask'];
export type BacklogPriority = BacklogTask['priority'];
export const BACKLOG_PRIORITIES: readonly BacklogPriority[] = ['highest', 'high', 'medium', 'low', 'lowest'];
export type BacklogStatus = BacklogTask['status'];
export type BacklogList = ResponseOf<'/backlog', 'get'>;
export type BacklogSync = NonNullable<BacklogList['lastSync']>;
export type BacklogSuggestion = ResponseOf<'/backlog/suggestion', 'get'>;
export type BacklogInput = BodyOf<'/backlog', 'post'>;

export const triageApi = {
  triage: {
    list: (q: QueryOf<'/triage', 'get'> = {}) => call('get', '/triage', { query: q }),
    get: (id: string) => call('get', '/triage/{id}', { path: { id } }),
    incident: (id: string, body: BodyOf<'/triage/{id}/incident', 'post'> = {}) => call('post', '/triage/{id}/incident', { path: { id }, body }),
    bug: (id: string) => call('post', '/triage/{id}/bug', { path: { id } }),
    fixing: (id: string) => call('post', '/triage/{id}/fixing', { path: { id } }),
    noise: (id: string, action: BodyOf<'/triage/{id}/noise', 'post'>['action'], ignoreDurationMinutes?: number) =>
      call('post', '/triage/{id}/noise', { path: { id }, body: { action, ...(ignoreDurationMinutes ? { ignoreDurationMinutes } : {}) } }),
  },

  security: {
    /** Any signed-in user; becomes a private incident. */
    report: (input: BodyOf<'/security-reports', 'post'>) => call('post', '/security-reports', { body: input }),
  },

  backlog: {
    list: (q: QueryOf<'/backlog', 'get'> = {}) => call('get', '/backlog', { query: q }),
    get: (id: string) => call('get', '/backlog/{id}', { path: { id } }),
    create: (input: BacklogInput) => call('post', '/backlog', { body: input }),
    pick: (id: string, assignee?: string) => call('post', '/backlog/{id}/pick', { path: { id }, body: assignee ? { assignee } : {} }),
    done: (id: string) => call('post', '/backlog/{id}/done', { path: { id } }),
    sync: () => call('post', '/backlog/sync'),
    suggestion: () => call('get', '/backlog/suggestion'),
  },
};
