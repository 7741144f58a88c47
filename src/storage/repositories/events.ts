import type { EventsRepo, SettingsRepo, TimelineEvent, ActorType } from '../../core/shared/ports.js';
import { newId } from '../../core/shared/ids.js';
import type { Clock } from '../../core/shared/clock.js';
import type { Executor } from '../database.js';

export const eventsRepo = (db: Executor, clock: Clock): EventsRepo => ({
  async append(e) {
    const at = e.at ?? clock.now();
    const event: TimelineEvent = { ...e, id: newId(at), at };
    await db
      .insertInto('events')
      .values({
        id: event.id,
        entity_type: e.entityType,
        entity_id: e.entityId,
        type: e.type,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        data: JSON.stringify(e.data ?? {}),
        at,
      })
      .execute();
    return event;
  },
  async list(entityType, entityId, options = {}) {
    let q = db
      .selectFrom('events')
      .selectAll()
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .limit(Math.min(options.limit ?? 500, 5000));
    if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      entityType: r.entity_type,
      entityId: r.entity_id,
      type: r.type,
      actor: { type: r.actor_type as ActorType, id: r.actor_id },
      data: JSON.parse(r.data) as Record<string, unknown>,
      at: r.at,
    }));
  },
});

export const settingsRepo = (db: Executor, clock: Clock): SettingsRepo => ({
  async get(key) {
    const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  },
  async set(key, value) {
    await db
      .insertInto('settings')
      .values({ key, value, updated_at: clock.now() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: clock.now() }))
      .execute();
  },
});
