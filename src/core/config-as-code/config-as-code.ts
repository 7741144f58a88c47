/**
 * Config as code: a `vigil.yaml` document describes users, teams and (as later domains register
 * their sections) schedules, services and more. Applying it creates or updates objects by their
 * natural keys (email, slug, name), idempotently; a dry run returns the same plan and changes
 * nothing. Export writes the current configuration back in the same format.
 *
 * Each domain contributes a {@link ConfigSection}; sections apply in `order`, inside one
 * transaction, so a later section can refer to objects an earlier one creates in the same file.
 */
import { DomainError, invalid } from '../shared/errors.js';
import type { Actor, CoreDeps, Repos } from '../shared/ports.js';
import { actorOf, type Principal } from '../auth/auth.js';
import { requireAdmin } from '../auth/permissions.js';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'delete';

export interface PlanItem {
  section: string;
  key: string;
  action: PlanAction;
  changes?: Record<string, unknown>;
}

export interface ApplyContext {
  actor: Actor;
  /** Who applies: each section's changes go through the same permission checks as the API. */
  principal: Principal;
  now: number;
  dryRun: boolean;
  /** Record one planned (and, unless dry run, performed) change. */
  record(item: Omit<PlanItem, 'section'>): void;
}

export interface ConfigSection {
  /** Top-level key in the document, e.g. `users`. */
  key: string;
  /** Lower applies first (users 10, teams 20, schedules 30...). */
  order: number;
  /** Checks the shape of the section; pushes every problem found (path: message). */
  validate(value: unknown, problems: string[]): void;
  /** Applies the section (always; a dry run rolls the transaction back). */
  apply(r: Repos, value: unknown, ctx: ApplyContext): Promise<void>;
  /** The current objects in this section's document form (omitted when empty); a mapping section returns one object. */
  export(r: Repos): Promise<unknown[] | Record<string, unknown> | undefined>;
}

export interface ApplyResult {
  dryRun: boolean;
  plan: PlanItem[];
  summary: Record<PlanAction, number>;
}

export interface ConfigAsCode {
  apply(principal: Principal, document: unknown, options: { dryRun: boolean }): Promise<ApplyResult>;
  export(): Promise<Record<string, unknown>>;
  sections(): string[];
}

class DryRunRollback extends Error {}

export const CONFIG_VERSION = 1;

export function createConfigAsCode(deps: CoreDeps, sections: ConfigSection[]): ConfigAsCode {
  const ordered = [...sections].sort((a, b) => a.order - b.order);
  const known = new Set(['version', ...ordered.map((s) => s.key)]);

  function validate(document: unknown): Record<string, unknown> {
    const problems: string[] = [];
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw invalid('invalid_config', 'The configuration must be a mapping with keys like version, users, teams.');
    }
    const doc = document as Record<string, unknown>;
    if (doc.version !== undefined && doc.version !== CONFIG_VERSION) problems.push(`version: expected ${CONFIG_VERSION}`);
    for (const key of Object.keys(doc)) if (!known.has(key)) problems.push(`${key}: unknown section (known: ${[...known].join(', ')})`);
    for (const s of ordered) if (doc[s.key] !== undefined && doc[s.key] !== null) s.validate(doc[s.key], problems);
    if (problems.length) throw invalid('invalid_config', `The configuration has ${problems.length} problem(s): ${problems.join('; ')}`, { problems });
    return doc;
  }

  return {
    sections: () => ordered.map((s) => s.key),
    async apply(principal, document, { dryRun }) {
      // A document spans users, teams and every team's configuration: applying it is an admin's.
      requireAdmin(principal, 'apply a configuration document');
      const actor = actorOf(principal);
      const doc = validate(document);
      const plan: PlanItem[] = [];
      const run = deps.uow.run(async (r) => {
        for (const s of ordered) {
          if (doc[s.key] === undefined || doc[s.key] === null) continue;
          const ctx: ApplyContext = { actor, principal, now: deps.clock.now(), dryRun, record: (item) => plan.push({ section: s.key, ...item }) };
          try {
            await s.apply(r, doc[s.key], ctx);
          } catch (err) {
            if (err instanceof DomainError) {
              throw new DomainError(err.kind, err.code, `${s.key}: ${err.message}`, err.details);
            }
            throw err;
          }
        }
        if (dryRun) throw new DryRunRollback();
      });
      try {
        await run;
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
      }
      const summary: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, delete: 0 };
      for (const p of plan) summary[p.action] += 1;
      return { dryRun, plan, summary };
    },
    async export() {
      return deps.uow.run(async (r) => {
        const out: Record<string, unknown> = { version: CONFIG_VERSION };
        for (const s of ordered) {
          const items = await s.export(r);
          if (Array.isArray(items) ? items.length : items) out[s.key] = items;
        }
        return out;
      });
    },
  };
}

/** Helpers for section validators. */
export function expectList(value: unknown, path: string, problems: string[]): Record<string, unknown>[] {
  if (!Array.isArray(value)) {
    problems.push(`${path}: expected a list`);
    return [];
  }
  return value.flatMap((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${path}[${i}]: expected a mapping`);
      return [];
    }
    return [item as Record<string, unknown>];
  });
}

export function checkFields(
  item: Record<string, unknown>,
  path: string,
  spec: Record<string, 'string' | 'string?' | 'string[]?' | 'string|null?' | 'boolean?' | 'number' | 'number?' | 'any' | 'any?'>,
  problems: string[],
): void {
  for (const key of Object.keys(item)) if (!(key in spec)) problems.push(`${path}.${key}: unknown field`);
  for (const [key, type] of Object.entries(spec)) {
    const v = item[key];
    const optional = type.endsWith('?');
    if (v === undefined) {
      if (!optional) problems.push(`${path}.${key}: is required`);
      continue;
    }
    const base = type.replace('?', '');
    const ok =
      base === 'any' ||
      (base === 'string' && typeof v === 'string') ||
      (base === 'string|null' && (typeof v === 'string' || v === null)) ||
      (base === 'boolean' && typeof v === 'boolean') ||
      (base === 'number' && typeof v === 'number') ||
      (base === 'string[]' && Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) problems.push(`${path}.${key}: expected ${base}`);
  }
}

/** Finds duplicate natural keys in a list. */
export function checkUnique(items: Record<string, unknown>[], key: string, path: string, problems: string[], norm: (s: string) => string = (s) => s): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const v = item[key];
    if (typeof v !== 'string') return;
    const k = norm(v);
    if (seen.has(k)) problems.push(`${path}[${i}].${key}: "${v}" appears twice`);
    seen.add(k);
  });
}
