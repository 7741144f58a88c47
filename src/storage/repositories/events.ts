import type { EventsRepo, SettingsRepo, TimelineEvent, ActorType } from '../../core/shared/ports.js';
import { newId } from '../../core/shared/ids.js';
import type { Clock } from '../../core/shared/clock.js';
import type { Executor } from '../database.js';

/** Timeline rows appended in a transaction, written together (one multi-row insert) before anything reads them. */
export interface BufferedEvents extends EventsRepo {
  /** Writes what was appended since the last flush. */
  flush(): Promise<void>;
  /** How many rows wait to be written: a mark for {@link discard}. */
  mark(): number;
  /** Forgets the rows appended after `mark` (their savepoint was rolled back); all when absent. */
  discard(mark?: number): void;
}

/** Rows per insert: well under both databases' bound-parameter limits (8 columns a row). */
const FLUSH_ROWS = 500;

export const eventsRepo = (db: Executor, clock: Clock): BufferedEvents => {
  const buffered: TimelineEvent[] = [];
  const flush = async (): Promise<void> => {
    while (buffered.length) {
      const rows = buffered.splice(0, FLUSH_ROWS);
      await db
        .insertInto('events')
        .values(
          rows.map((e) => ({
            id: e.id,
            entity_type: e.entityType,
            entity_id: e.entityId,
            type: e.type,
            actor_type: e.actor.type,
            actor_id: e.actor.id,
            data: JSON.stringify(e.data ?? {}),
            at: e.at,
          })),
        )
        .execute();
    }
  };
  return {
    flush,
    mark: () => buffered.length,
    discard(mark = 0) {
      buffered.length = Math.min(buffered.length, mark);
    },
    // The row is written with the transaction's other timeline rows, in the order appended (flush).
    async append(e) {
      const at = e.at ?? clock.now();
      const event: TimelineEvent = { ...e, id: newId(at), at };
      buffered.push(event);
      return event;
    },
    async list(entityType, entityId, options = {}) {
      await flush();
      return listEvents(db, entityType, entityId, options);
    },
  };
};

async function listEvents(db: Executor, entityType: string, entityId: string, options: { limit?: number; afterSeq?: number }): Promise<TimelineEvent[]> {
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
}

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
