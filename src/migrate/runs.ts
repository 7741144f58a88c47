/**
 * Imports started from the web UI: the same run as `vigil import opsgenie|pagerduty` (read the source,
 * map it, plan or apply it through config-as-code, verify who is on call), started by an admin and
 * followed by polling its status. A run reports its steps as they go (the phases and counts of the
 * progress the CLI draws on a terminal), then the outcome without secrets: the plan, what was not
 * imported and why, what each person has to confirm, and the verification report.
 *
 * A run goes on in the process that started it; its state is also saved in the database as it goes
 * (settings key `imports.runs`, the last few runs), so any process answers a poll, and one import runs
 * at a time across processes. A running run whose state has not been saved for two minutes was lost
 * with its process and is reported as failed. The vendor key is used for the run only and is never
 * kept or shown.
 */
import { requireAdmin } from '../core/auth/permissions.js';
import type { Principal } from '../core/auth/auth.js';
import type { ConfigAsCode } from '../core/config-as-code/config-as-code.js';
import { findSchedule, finalScheduleOf } from '../core/schedules/schedules.js';
import { conflict, invalid, notFound } from '../core/shared/errors.js';
import { newId } from '../core/shared/ids.js';
import type { CoreDeps } from '../core/shared/ports.js';
import { listUsers } from '../core/users/users.js';
import { principalCtx } from '../core/shared/context.js';
import { SourceError } from './http.js';
import type { Progress } from './progress.js';
import { opsgenieSource, pagerdutySource, runImport, type ApplyResult, type ImportSource, type VigilApi } from './run.js';
import type { ScheduleLink, UnmappedItem, UserTodo } from './types.js';
import { STEP_MS, type VerifyReport } from './verify.js';

export type ImportVendor = 'opsgenie' | 'pagerduty';

export interface ImportRequest {
  vendor: ImportVendor;
  /** The OpsGenie API key or PagerDuty REST API token (read access is enough). */
  apiKey: string;
  /** The vendor's API (EU accounts have their own); the vendor's default when absent. */
  apiUrl?: string;
  /** false: plan only (a dry run, nothing changes); true: apply. */
  apply: boolean;
  /** After applying, compare who is on call in Vigil and in the source. */
  verify?: boolean;
  /** Weeks ahead to verify (1-52, default 4). */
  weeks?: number;
  /** Extend the verification past the next daylight-saving change of each schedule's zone (default true). */
  includeClockChange?: boolean;
}

export interface ImportStep {
  label: string;
  /** How many items the step has, when known. */
  total: number | null;
  done: number;
  finished: boolean;
}

export interface ImportReport {
  vendor: string;
  apiUrl: string;
  read: Record<string, number>;
  result: ApplyResult;
  unmapped: UnmappedItem[];
  todos: UserTodo[];
  schedules: ScheduleLink[];
  verification: VerifyReport | null;
}

export interface ImportRun {
  id: string;
  vendor: ImportVendor;
  apply: boolean;
  verify: boolean;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  startedBy: string;
  steps: ImportStep[];
  notes: string[];
  report: ImportReport | null;
  error: { code: string; message: string } | null;
}

export interface ImportRunsOptions {
  core: CoreDeps;
  configAsCode: ConfigAsCode;
  /** For tests: how sources are made (default: the real OpsGenie and PagerDuty readers). */
  sourceFor?: (request: ImportRequest, progress: Progress) => ImportSource;
  /** Finished runs kept (default 10), and for how long (default an hour). */
  keep?: number;
  keepMs?: number;
}

const MAX_NOTES = 50;
const SETTINGS_KEY = 'imports.runs';
/** How often a running run's state is saved, and after how long without a save it counts as lost. */
const SAVE_EVERY_MS = 1000;
const LOST_AFTER_MS = 120_000;

interface SavedRun {
  run: ImportRun;
  savedAt: number;
}

/** Vigil's side of an import, in this process: the three reads and the apply an import makes. */
export function inProcessVigil(core: CoreDeps, configAsCode: ConfigAsCode, principal: Principal): VigilApi {
  return {
    async get<T>(path: string): Promise<T> {
      const url = new URL(path, 'http://vigil.invalid');
      if (url.pathname === '/api/v1/users') {
        return (await listUsers(core, principalCtx(principal, core.clock.now(), ''), { includeInactive: url.searchParams.get('includeInactive') === 'true' })) as T;
      }
      const shifts = /^\/api\/v1\/schedules\/([^/]+)\/shifts$/.exec(url.pathname);
      if (shifts) {
        const from = Date.parse(url.searchParams.get('from') ?? '');
        const to = Date.parse(url.searchParams.get('to') ?? '');
        return (await core.uow.run(async (r) => {
          const s = await findSchedule(r, decodeURIComponent(shifts[1]!));
          const users = new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u]));
          const final = await finalScheduleOf(r, s, from, to);
          return { final: final.shifts.map((sh) => ({ ...sh, user: users.get(sh.userId) })) };
        })) as T;
      }
      throw new Error(`an import does not read ${url.pathname}`);
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      const url = new URL(path, 'http://vigil.invalid');
      if (url.pathname !== '/api/v1/config/apply') throw new Error(`an import does not post to ${url.pathname}`);
      return (await configAsCode.apply(principal, body, { dryRun: url.searchParams.get('dryRun') === 'true' })) as T;
    },
  };
}

function defaultSource(request: ImportRequest, progress: Progress): ImportSource {
  const options = { progress, ...(request.apiUrl ? { apiUrl: request.apiUrl } : {}) };
  return request.vendor === 'opsgenie' ? opsgenieSource(request.apiKey, options) : pagerdutySource(request.apiKey, options);
}

/** Steps and notes of a run, as the shared import code reports them; `changed` after each change. */
function recorder(run: ImportRun, changed: () => void): Progress {
  const current = (): ImportStep | undefined => run.steps.at(-1);
  const finish = () => {
    const s = current();
    if (s && !s.finished) {
      s.finished = true;
      if (s.total !== null) s.done = Math.max(s.done, s.total);
    }
  };
  return {
    phase(label, total) {
      const s = current();
      // A phase named again with its total (e.g. "reading users", then "reading users" of 7) is the same step.
      if (s && !s.finished && s.label === label) {
        s.total = total ?? s.total;
        changed();
        return;
      }
      finish();
      run.steps.push({ label, total: total ?? null, done: 0, finished: false });
      changed();
    },
    tick(n = 1) {
      const s = current();
      if (s && !s.finished) s.done += n;
      changed();
    },
    note(message) {
      if (run.notes.length < MAX_NOTES) run.notes.push(message);
      changed();
    },
    done() {
      finish();
      changed();
    },
  };
}

export class ImportRuns {
  private readonly runs = new Map<string, ImportRun>();
  private readonly keep: number;
  private readonly keepMs: number;
  /** Saves of run states, one after the other. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: ImportRunsOptions) {
    this.keep = options.keep ?? 5;
    this.keepMs = options.keepMs ?? 3_600_000;
  }

  private now(): number {
    return this.options.core.clock.now();
  }

  private async saved(): Promise<SavedRun[]> {
    const raw = await this.options.core.uow.run((r) => r.settings.get(SETTINGS_KEY));
    return raw ? (JSON.parse(raw) as SavedRun[]) : [];
  }

  /** A saved run as it stands: a running one that stopped being saved was lost with its process. */
  private asSeen(saved: SavedRun): ImportRun {
    if (saved.run.state !== 'running' || this.now() - saved.savedAt < LOST_AFTER_MS) return saved.run;
    return {
      ...saved.run,
      state: 'failed',
      finishedAt: saved.savedAt,
      error: { code: 'import_lost', message: 'The Vigil process running this import stopped. Start the import again: it picks up where it is (objects are matched, nothing is duplicated).' },
    };
  }

  /** Saves the run's state (the last few runs are kept, finished ones for `keepMs`). */
  private save(run: ImportRun): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(run)) as ImportRun;
    this.saving = this.saving
      .then(async () => {
        const now = this.now();
        await this.options.core.uow.run(async (r) => {
          const raw = await r.settings.get(SETTINGS_KEY);
          const list = (raw ? (JSON.parse(raw) as SavedRun[]) : []).filter((x) => x.run.id !== snapshot.id && now - (x.run.finishedAt ?? x.savedAt) < this.keepMs);
          list.unshift({ run: snapshot, savedAt: now });
          await r.settings.set(SETTINGS_KEY, JSON.stringify(list.slice(0, this.keep)));
        });
      })
      .catch(() => undefined);
    return this.saving;
  }

  /** Starts a plan or an apply (admins only); answers once the run is saved, and the run goes on. */
  async start(principal: Principal, request: ImportRequest): Promise<ImportRun> {
    requireAdmin(principal, 'import from OpsGenie or PagerDuty');
    if (!request.apiKey.trim()) throw invalid('api_key_required', `Give the ${request.vendor === 'opsgenie' ? 'OpsGenie API key' : 'PagerDuty REST API token'}.`, { field: 'apiKey' });
    if (request.apiUrl !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(request.apiUrl);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw invalid('invalid_api_url', 'The API URL must be an http(s) URL, e.g. https://api.eu.opsgenie.com.', { field: 'apiUrl' });
    }
    const weeks = request.weeks ?? 4;
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) throw invalid('invalid_weeks', 'Verify from 1 to 52 weeks ahead.', { field: 'weeks' });
    const running = [...this.runs.values()].find((r) => r.state === 'running') ?? (await this.saved()).map((x) => this.asSeen(x)).find((r) => r.state === 'running');
    if (running) throw conflict('import_running', 'An import is running already: wait for it to finish.', { id: running.id });

    const now = this.now();
    this.prune(now);
    const run: ImportRun = {
      id: newId(now),
      vendor: request.vendor,
      apply: request.apply,
      verify: request.apply && !!request.verify,
      state: 'running',
      startedAt: now,
      finishedAt: null,
      startedBy: principal.user.id,
      steps: [],
      notes: [],
      report: null,
      error: null,
    };
    this.runs.set(run.id, run);
    let lastSave = 0;
    const progress = recorder(run, () => {
      if (this.now() - lastSave < SAVE_EVERY_MS) return;
      lastSave = this.now();
      void this.save(run);
    });
    await this.save(run);
    const source = (this.options.sourceFor ?? defaultSource)(request, progress);
    void runImport({
      source,
      vigil: inProcessVigil(this.options.core, this.options.configAsCode, principal),
      dryRun: !request.apply,
      verify: run.verify,
      weeks,
      // Exactly `weeks` weeks from now, or (the default) extended past the next clock change.
      ...(request.includeClockChange === false ? { verifyFrom: Math.floor(now / STEP_MS) * STEP_MS, verifyTo: Math.floor(now / STEP_MS) * STEP_MS + weeks * 7 * 86_400_000 } : {}),
      progress,
    }).then(
      (outcome) => {
        progress.done();
        run.report = {
          vendor: outcome.vendor,
          apiUrl: outcome.apiUrl,
          read: outcome.read,
          result: outcome.result,
          unmapped: outcome.unmapped,
          todos: outcome.todos,
          schedules: outcome.schedules,
          verification: outcome.verification ?? null,
        };
        run.state = 'done';
        run.finishedAt = this.now();
        void this.save(run);
      },
      (err: unknown) => {
        progress.done();
        run.state = 'failed';
        run.finishedAt = this.now();
        const e = err as { code?: unknown; message?: unknown };
        run.error = {
          code: err instanceof SourceError ? (err.status === 401 ? 'source_refused_key' : 'source_failed') : typeof e.code === 'string' ? e.code : 'import_failed',
          message: typeof e.message === 'string' ? e.message : String(err),
        };
        void this.save(run);
      },
    );
    return run;
  }

  /** A run's steps so far and, once it is over, its report or error (admins only), from any process. */
  async get(principal: Principal, id: string): Promise<ImportRun> {
    requireAdmin(principal, 'follow an import');
    const mine = this.runs.get(id);
    if (mine) return mine;
    const saved = (await this.saved()).find((x) => x.run.id === id);
    if (!saved) throw notFound('import', id);
    return this.asSeen(saved);
  }

  private prune(now: number): void {
    const finished = [...this.runs.values()].filter((r) => r.state !== 'running').sort((a, b) => b.startedAt - a.startedAt);
    finished.forEach((r, i) => {
      if (i >= this.keep - 1 || now - (r.finishedAt ?? r.startedAt) > this.keepMs) this.runs.delete(r.id);
    });
  }
}
