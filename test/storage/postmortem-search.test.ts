/**
 * Full-text search of post-mortems on both databases: SQLite FTS5 and PostgreSQL tsvector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import { createUnitOfWork } from '../../src/storage/unit-of-work.js';
import type { UnitOfWork } from '../../src/core/shared/ports.js';
import { DEFAULT_TEMPLATE, type Postmortem } from '../../src/core/postmortems/postmortems.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';

const pg = await postgresAvailable();

describe.each(DIALECTS)('post-mortem search on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let uow: UnitOfWork;
  let dispose: () => Promise<void>;
  const clock = new FakeClock(Date.UTC(2027, 0, 1));

  beforeAll(async () => {
    if (skip) return;
    const t = await openTestDatabase(dialect);
    dispose = t.dispose;
    uow = createUnitOfWork(t.database, clock);
    const pm = (id: string, n: number, rootCause: string, severity: string, tags: string[]): Postmortem => ({
      id,
      incidentId: `inc-${id}`,
      title: `INC-${n}: outage ${n}`,
      status: 'published',
      ownerId: null,
      dueAt: null,
      severity,
      serviceIds: ['svc-1'],
      tags,
      sections: { ...DEFAULT_TEMPLATE, rootCause },
      createdAt: clock.now() + n,
      updatedAt: clock.now() + n,
      publishedAt: null,
    });
    // Post-mortems reference incidents: insert minimal rows first.
    for (const [id, n] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const) {
      await t.database.db
        .insertInto('incidents')
        .values({
          id: `inc-${id}`,
          number: n,
          title: 't',
          summary: '',
          severity: 'P1',
          status: 'resolved',
          private: 0,
          commander_id: null,
          comms_lead_id: null,
          declared_by: null,
          service_ids: '[]',
          source_type: 'manual',
          source_id: null,
          slack_channel_id: null,
          started_at: 0,
          detected_at: 0,
          acknowledged_at: null,
          mitigated_at: null,
          resolved_at: null,
          last_update_at: 0,
          created_at: 0,
          updated_at: 0,
        })
        .execute();
    }
    await uow.run(async (r) => {
      await r.postmortems.insert(pm('a', 1, 'A certificate expired on the load balancer.', 'P0', ['tls']));
      await r.postmortems.insert(pm('b', 2, 'The connection pool was exhausted by retries.', 'P1', ['database']));
      await r.postmortems.insert(pm('c', 3, 'Retries amplified a slow dependency.', 'P1', []));
    });
  });
  afterAll(async () => dispose?.());

  it.skipIf(skip)('finds post-mortems by a word of their root cause, with stemming', async () => {
    expect((await uow.run((r) => r.postmortems.search({ q: 'certificate' }))).map((p) => p.id)).toEqual(['a']);
    expect((await uow.run((r) => r.postmortems.search({ q: 'retries' }))).map((p) => p.id).sort()).toEqual(['b', 'c']);
    expect((await uow.run((r) => r.postmortems.search({ q: 'retry' }))).map((p) => p.id).sort()).toEqual(['b', 'c']);
    expect(await uow.run((r) => r.postmortems.search({ q: 'kubernetes' }))).toEqual([]);
  });

  it.skipIf(skip)('combines text with filters and survives query syntax', async () => {
    expect((await uow.run((r) => r.postmortems.search({ q: 'retries', tag: 'database' }))).map((p) => p.id)).toEqual(['b']);
    expect((await uow.run((r) => r.postmortems.search({ severity: 'P0' }))).map((p) => p.id)).toEqual(['a']);
    expect(await uow.run((r) => r.postmortems.search({ q: '"*) ( -' }))).toEqual([]);
  });

  it.skipIf(skip)('reindexes on update', async () => {
    await uow.run(async (r) => {
      const a = (await r.postmortems.find('a'))!;
      await r.postmortems.update({ ...a, sections: { ...a.sections, rootCause: 'A DNS record was deleted.' } });
    });
    expect(await uow.run((r) => r.postmortems.search({ q: 'certificate' }))).toEqual([]);
    expect((await uow.run((r) => r.postmortems.search({ q: 'dns' }))).map((p) => p.id)).toEqual(['a']);
  });
});
