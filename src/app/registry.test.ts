import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { JOB_PAYLOADS, PAGE_ACKNOWLEDGED_JOB, PAGE_UNREACHED_JOB } from '../core/shared/jobs.js';
import type { ModuleContext } from './modules.js';
import { defaultModules } from './registry.js';

describe('job kinds and the modules', () => {
  const config = loadConfig({ env: {}, overrides: { databaseUrl: 'sqlite::memory:', logLevel: 'silent' } });
  const modules = defaultModules(config);
  // Building handlers only closes over the context; nothing runs.
  const ctx = { config, core: {}, database: {} } as unknown as ModuleContext;

  it('handles every registered kind, and only registered kinds', () => {
    const handled = modules.flatMap((m) => Object.keys(m.jobHandlers?.(ctx) ?? {}));
    // The composition root handles these two for every module (see vigil.ts).
    handled.push(PAGE_ACKNOWLEDGED_JOB, PAGE_UNREACHED_JOB);
    expect(new Set(handled).size).toBe(handled.length);
    expect([...handled].sort()).toEqual(Object.keys(JOB_PAYLOADS).sort());
  });

  it('subscribes only kinds some module handles', () => {
    const handled = new Set(modules.flatMap((m) => Object.keys(m.jobHandlers?.(ctx) ?? {})));
    const subscribed = modules.flatMap((m) => Object.values(m.subscriptions ?? {}).flat());
    expect(subscribed.filter((k) => !handled.has(k))).toEqual([]);
  });
});
