/**
 * The intake queue, on SQLite and on PostgreSQL: entries are durable when submit resolves, applied
 * once each and in order, a failing entry is rolled back alone, what a previous run left is applied
 * at start, a full queue refuses, and two processes on one PostgreSQL database apply each entry once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntakeBusyError } from '../../src/core/alerts/intake.js';
import { FakeClock } from '../../src/core/shared/clock.js';
import type { Repos } from '../../src/core/shared/ports.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { IntakeQueue, type IntakeQueueOptions } from '../../src/storage/intake-queue.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';

const pg = await postgresAvailable();

interface Entry {
  n: number;
  fail?: boolean;
}

describe.each(DIALECTS)('intake queue on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let database: Database;
  let dispose: () => Promise<void>;
  let url: string;
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 9));
  let stream = 0;

  beforeAll(async () => {
    if (skip) return;
    ({ database, dispose, url } = await openTestDatabase(dialect));
  });
  afterAll(async () => dispose?.());

  /** A queue whose entries append one event each to the stream `entity`. */
  const queueOn = (db: Database, entity: string, options: Partial<IntakeQueueOptions<Entry, string>> = {}) =>
    new IntakeQueue<Entry, string>({
      database: db,
      clock,
      async apply(r: Repos, integrationId, entry) {
        await r.events.append({ entityType: 'intake-test', entityId: entity, type: 'applied', actor: { type: 'integration', id: integrationId }, data: { n: entry.n } });
        if (entry.fail) throw new Error(`entry ${entry.n} is broken`);
        return `applied ${entry.n}`;
      },
      async recordFailure(r, _integrationId, entry, error) {
        await r.events.append({ entityType: 'intake-test', entityId: entity, type: 'failed', actor: { type: 'system', id: null }, data: { n: entry.n, error: (error as Error).message } });
      },
      ...options,
    });

  const timeline = async (entity: string) => {
    const rows = await database.db.selectFrom('events').select(['type', 'data']).where('entity_type', '=', 'intake-test').where('entity_id', '=', entity).orderBy('seq').execute();
    return rows.map((r) => `${r.type} ${(JSON.parse(r.data) as { n: number }).n}`);
  };
  const waiting = async () => Number((await database.db.selectFrom('intake_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it.skipIf(skip)('answers a lone submitter once its entry is applied, with the result', async () => {
    const entity = `s${stream++}`;
    const q = queueOn(database, entity);
    expect(await q.submit('int-1', { n: 1 })).toEqual({ state: 'applied', result: 'applied 1' });
    expect(await q.submit('int-1', { n: 2 })).toEqual({ state: 'applied', result: 'applied 2' });
    expect(await timeline(entity)).toEqual(['applied 1', 'applied 2']);
    expect(await waiting()).toBe(0);
    await q.stop();
  });

  it.skipIf(skip)('commits a burst together, answers past the short-queue mark as queued, and applies all in order', async () => {
    const entity = `s${stream++}`;
    const q = queueOn(database, entity, { waitBelow: 4 });
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => q.submit('int-1', { n: i })));
    expect(outcomes.filter((o) => o.state === 'applied').length).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => o.state === 'queued').length).toBeGreaterThanOrEqual(46);
    await q.settle();
    expect(await timeline(entity)).toEqual(Array.from({ length: 50 }, (_, i) => `applied ${i}`));
    expect(await waiting()).toBe(0);
    await q.stop();
  });

  it.skipIf(skip)('rolls back a failing entry alone, records why, and applies the others', async () => {
    const entity = `s${stream++}`;
    const errors: unknown[] = [];
    const q = queueOn(database, entity, { waitBelow: 100, onError: (e) => errors.push(e) });
    const [a, b, c] = await Promise.all([q.submit('int-1', { n: 1 }), q.submit('int-1', { n: 2, fail: true }), q.submit('int-1', { n: 3 })]);
    expect(a).toEqual({ state: 'applied', result: 'applied 1' });
    expect(b.state).toBe('failed');
    expect(c).toEqual({ state: 'applied', result: 'applied 3' });
    // Entry 2's own write was rolled back; its failure is recorded in its place.
    expect(await timeline(entity)).toEqual(['applied 1', 'failed 2', 'applied 3']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['entry 2 is broken']);
    await q.stop();
  });

  it.skipIf(skip)('applies at start what a previous run committed and did not apply', async () => {
    const entity = `s${stream++}`;
    await database.db
      .insertInto('intake_queue')
      .values([1, 2, 3].map((n) => ({ lane: 0, integration_id: 'int-1', entry: JSON.stringify({ n }), received_at: clock.now() })))
      .execute();
    const q = queueOn(database, entity);
    q.start();
    await q.settle();
    expect(await timeline(entity)).toEqual(['applied 1', 'applied 2', 'applied 3']);
    await q.stop();
  });

  it.skipIf(skip)('refuses entries past the backlog bound, so senders retry later', async () => {
    const entity = `s${stream++}`;
    const q = queueOn(database, entity, { maxBacklog: 3, waitBelow: 0 });
    const first = await Promise.all([1, 2, 3].map((n) => q.submit('int-1', { n })));
    expect(first.map((o) => o.state)).toEqual(['queued', 'queued', 'queued']);
    const refused = await q.submit('int-1', { n: 4 }).catch((e: unknown) => e);
    // The three may already be applied; if not, the fourth is refused with a retry delay.
    if (refused instanceof IntakeBusyError) expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    await q.settle();
    expect((await timeline(entity)).slice(0, 3)).toEqual(['applied 1', 'applied 2', 'applied 3']);
    await q.stop();
  });

  it.skipIf(skip || dialect === 'sqlite')('applies each entry once when two processes share the database', async () => {
    const entity = `s${stream++}`;
    const other = await openDatabase(url);
    try {
      const q1 = queueOn(database, entity, { waitBelow: 0 });
      const q2 = queueOn(other, entity, { waitBelow: 0 });
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? q1 : q2).submit('int-1', { n: i })));
      for (let i = 0; i < 100 && (await waiting()) > 0; i++) {
        await q1.settle();
        await q2.settle();
      }
      const applied = await timeline(entity);
      expect(applied).toHaveLength(200);
      expect(new Set(applied).size).toBe(200);
      await q1.stop();
      await q2.stop();
    } finally {
      await other.close();
    }
  });
});
