/**
 * Client for imports from OpsGenie and PagerDuty (admin): start a plan or an apply, then poll the
 * run. Kept apart from api.ts; it uses the same `request` helper (failures throw ApiError).
 */
import { request, type Timestamp } from './api.ts';

export type ImportVendor = 'opsgenie' | 'pagerduty';

export interface ImportStep {
  label: string;
  /** Items in the step, when known. */
  total: number | null;
  done: number;
  finished: boolean;
}

export interface ImportPlanItem {
  section: string;
  key: string;
  action: 'create' | 'update' | 'unchanged' | 'delete' | string;
  changes?: unknown;
}

export interface ImportUnmapped {
  kind: string;
  source: string;
  status: 'skipped' | 'approximated' | string;
  reason: string;
}

export interface ImportTodo {
  email: string;
  name: string;
  items: string[];
}

export interface VerifyRange {
  schedule: string;
  name: string;
  from: string;
  to: string;
  minutes: number;
  source: string[];
  vigil: string[];
}

/** Who is on call in Vigil and in the source, compared at every hand-off and every 15 minutes. */
export interface ImportVerification {
  vendor: string;
  from: string;
  to: string;
  stepMinutes: number;
  dstChanges: Record<string, string>;
  schedules: Array<{ slug: string; name: string; checked: number; handoffs: number; differences: number; differentMinutes: number }>;
  ranges: VerifyRange[];
}

export interface ImportReport {
  vendor: string;
  apiUrl: string;
  read: Record<string, number>;
  result: { dryRun: boolean; plan: ImportPlanItem[]; summary: Record<string, number> };
  unmapped: ImportUnmapped[];
  todos: ImportTodo[];
  schedules: Array<{ slug: string; name: string; sourceId: string; timeZone: string }>;
  verification: ImportVerification | null;
}

export interface ImportRun {
  id: string;
  vendor: ImportVendor;
  /** false: a plan (dry run, nothing changed). */
  apply: boolean;
  verify: boolean;
  state: 'running' | 'done' | 'failed';
  startedAt: Timestamp;
  finishedAt: Timestamp | null;
  startedBy: string;
  steps: ImportStep[];
  notes: string[];
  report: ImportReport | null;
  error: { code: string; message: string } | null;
}

export interface ImportInput {
  vendor: ImportVendor;
  apiKey: string;
  apiUrl?: string;
  apply: boolean;
  verify?: boolean;
  weeks?: number;
  /** Extend the verification past the next daylight-saving change (default true). */
  includeClockChange?: boolean;
}

export const importApi = {
  start: (input: ImportInput) => request<ImportRun>('POST', '/imports', input),
  get: (id: string) => request<ImportRun>('GET', `/imports/${encodeURIComponent(id)}`),
};
