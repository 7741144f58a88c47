/**
 * The repository contract, on SQLite and on PostgreSQL: migrations, identity, timelines, the job
 * outbox, delivery lanes held by a job lease, and transactions.
 */
import { adHocJobs } from '../helpers/jobs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import { createUnitOfWork } from '../../src/storage/unit-of-work.js';
import { claimJobs } from '../../src/engine/job-store.js';
import { migrateToLatest, migrationNames, migrationsApplied } from '../../src/storage/migrations/index.js';
import { buildUser } from '../../src/core/users/users.js';
import type { Database } from '../../src/storage/database.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';
import type { UnitOfWork } from '../../src/core/shared/ports.js';

const pg = await postgresAvailable();

describe.each(DIALECTS)('storage on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let database: Database;
  let dispose: () => Promise<void>;
  let uow: UnitOfWork;
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 12));
  const committed: number[] = [];

  beforeAll(async () => {
    if (skip) return;
    ({ database, dispose } = await openTestDatabase(dialect));
    uow = createUnitOfWork(database, clock, { onJobsCommitted: (at) => committed.push(at) });
  });
  afterAll(async () => dispose?.());

  it.skipIf(skip)('applies every migration, and re-applying is a no-op', async () => {
    expect(await migrationsApplied(database.db, database.dialect)).toBe(true);
    const again = await migrateToLatest(database.db, database.dialect);
    expect(again.results).toEqual([]);
    expect(migrationNames()[0]).toBe('0001_foundation');
  });

  it.skipIf(skip)('stores and finds users, with unique emails', async () => {
    const u = buildUser({ name: 'Ada', email: 'ada@example.com', timeZone: 'Europe/London', slackUserId: 'U123ABC' }, clock.now());
    await uow.run(async (r) => r.users.insert(u, 'hash'));
    const found = await uow.run((r) => r.users.findByEmail('ada@example.com'));
    expect(found).toEqual(u);
    expect(await uow.run((r) => r.users.findBySlackId('U123ABC'))).toEqual(u);
    expect(await uow.run((r) => r.users.getPasswordHash(u.id))).toBe('hash');
    await expect(uow.run((r) => r.users.insert({ ...u, id: 'other' }, null))).rejects.toThrow();
  });

  it.skipIf(skip)('stores teams with members in order', async () => {
    const users = [0, 1, 2].map((i) => buildUser({ name: `U${i}`, email: `u${i}@example.com` }, clock.now()));
    await uow.run(async (r) => {
      for (const u of users) await r.users.insert(u, null);
      await r.teams.insert({ id: 't1', name: 'Team', slug: 'team', description: '', leadUserId: users[0]!.id, memberIds: [], jiraBoardIds: [], createdAt: 1, updatedAt: 1 });
      await r.teams.setMembers('t1', users.map((u) => u.id), clock.now());
    });
    expect((await uow.run((r) => r.teams.findBySlug('team')))?.memberIds).toEqual(users.map((u) => u.id));
    await uow.run((r) => r.teams.setMembers('t1', [users[2]!.id], clock.now()));
    expect((await uow.run((r) => r.teams.listForUser(users[2]!.id))).map((t) => t.slug)).toEqual(['team']);
    expect(await uow.run((r) => r.teams.listForUser(users[0]!.id))).toEqual([]);
  });

  it.skipIf(skip)('appends timeline events in order and returns them', async () => {
    await uow.run(async (r) => {
      for (let i = 0; i < 5; i++) await r.events.append({ entityType: 'thing', entityId: 'x', type: `e${i}`, actor: { type: 'system', id: null }, data: { i } });
    });
    const events = await uow.run((r) => r.events.list('thing', 'x'));
    expect(events.map((e) => e.type)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(events[3]!.data).toEqual({ i: 3 });
  });

  it.skipIf(skip)('rolls back every change of a failed unit of work, events and jobs included', async () => {
    committed.length = 0;
    await expect(
      uow.run(async (r) => {
        await r.events.append({ entityType: 'thing', entityId: 'rollback', type: 'x', actor: { type: 'system', id: null }, data: {} });
        await adHocJobs(r).enqueue({ kind: 'test.never', dedupeKey: 'rollback-job' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await uow.run((r) => r.events.list('thing', 'rollback'))).toEqual([]);
    expect(await database.db.selectFrom('jobs').selectAll().where('dedupe_key', '=', 'rollback-job').execute()).toEqual([]);
    expect(committed).toEqual([]);
  });

  it.skipIf(skip)('enqueues a dedupe key once and cancels pending jobs by prefix', async () => {
    const a = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'k', dedupeKey: 'alert:1:step:1', runAt: clock.now() + 1000 }));
    const b = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'k', dedupeKey: 'alert:1:step:1' }));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(committed).toContain(clock.now() + 1000);
    await uow.run((r) => adHocJobs(r).enqueue({ kind: 'k', dedupeKey: 'alert:1:step:2' }));
    await uow.run((r) => adHocJobs(r).enqueue({ kind: 'k', dedupeKey: 'alert:10:step:1' }));
    expect(await uow.run((r) => r.jobs.cancelPending('alert:1:'))).toBe(2);
    const left = await database.db.selectFrom('jobs').select(['dedupe_key', 'status']).where('dedupe_key', 'like', 'alert:%').execute();
    left.sort((x, y) => (x.dedupe_key! < y.dedupe_key! ? -1 : 1));
    expect(left).toEqual([
      { dedupe_key: 'alert:10:step:1', status: 'pending' },
      { dedupe_key: 'alert:1:step:1', status: 'cancelled' },
      { dedupe_key: 'alert:1:step:2', status: 'cancelled' },
    ]);
  });

  it.skipIf(skip)('holds a delivery lane by the lease of a flush job run, and keeps the lane health', async () => {
    const lane = 'slack_dm:U0LANE0001';
    const job = await uow.run((r) => r.jobs.enqueue({ kind: 'delivery.flush', payload: { lane }, dedupeKey: 'lane-hold-test' }));
    const claimed = (await claimJobs(database, { nodeId: 'node-a', now: clock.now(), leaseMs: 3000, limit: 10 })).find((j) => j.id === job.id);
    const run = { jobId: claimed!.id, attempt: claimed!.attempts };
    await uow.run(async (r) => {
      await r.notifications.lockLane(lane);
      await r.notifications.setLaneHolder(lane, run);
    });
    const now = clock.now();
    expect(await uow.run((r) => r.notifications.holdsLane(lane, run, now))).toBe(true);
    expect(await uow.run((r) => r.notifications.laneHeldUntil(lane, now))).toBe(now + 3000);
    // The lease lapses: nobody holds the lane; a reclaim (a new attempt) fences the old run out.
    expect(await uow.run((r) => r.notifications.holdsLane(lane, run, now + 3000))).toBe(false);
    expect(await uow.run((r) => r.notifications.laneHeldUntil(lane, now + 3000))).toBeUndefined();
    const again = (await claimJobs(database, { nodeId: 'node-b', now: now + 3000, leaseMs: 3000, limit: 10 })).find((j) => j.id === job.id);
    expect(again!.attempts).toBe(run.attempt + 1);
    expect(await uow.run((r) => r.notifications.holdsLane(lane, run, now + 3001))).toBe(false);
    expect((await uow.run((r) => r.notifications.lockLane(lane))).holder).toEqual(run);

    await uow.run((r) => r.notifications.setLane(lane, now + 1000, 3));
    await uow.run((r) => r.notifications.setLaneHealth(lane, now - 5000, 'slack chat.postMessage: HTTP 500'));
    expect(await uow.run((r) => r.notifications.degradedLanes(10))).toEqual([{ lane, failures: 3, failingSince: now - 5000, lastError: 'slack chat.postMessage: HTTP 500', pending: 0 }]);
    await uow.run((r) => r.notifications.setLane(lane, now + 1000, 0));
    expect(await uow.run((r) => r.notifications.degradedLanes(10))).toEqual([]);
  });

  it.skipIf(skip)('keeps settings', async () => {
    await uow.run((r) => r.settings.set('a', '1'));
    await uow.run((r) => r.settings.set('a', '2'));
    expect(await uow.run((r) => r.settings.get('a'))).toBe('2');
  });
});
