import { sql } from 'kysely';
import type { AuditEntry, AuditRepo } from '../../core/audit/audit.js';
import type { ActorType } from '../../core/shared/ports.js';
import { newId } from '../../core/shared/ids.js';
import type { Clock } from '../../core/shared/clock.js';
import type { Executor } from '../database.js';
import type { AuditLogTable } from '../schema.js';

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

const toEntry = (r: AuditLogTable): AuditEntry => ({
  id: r.id,
  at: Number(r.at),
  actor: { type: r.actor_type as ActorType, id: r.actor_id },
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  teamId: r.team_id,
  before: parse(r.before),
  after: parse(r.after),
});

export const auditRepo = (db: Executor, clock: Clock): AuditRepo => ({
  async insert(e) {
    const at = clock.now();
    const entry: AuditEntry = { ...e, id: newId(at), at };
    await db
      .insertInto('audit_log')
      .values({
        id: entry.id,
        at,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        team_id: e.teamId,
        before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
      })
      .execute();
    return entry;
  },
  async search(f) {
    let q = db.selectFrom('audit_log');
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.entityType) q = q.where('entity_type', '=', f.entityType);
    if (f.entityId) q = q.where('entity_id', '=', f.entityId);
    if (f.teamId) q = q.where('team_id', '=', f.teamId);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<', f.to);
    if (f.q) {
      const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(action)`, 'like', like),
          eb(sql`lower(entity_id)`, 'like', like),
          eb(sql`lower(coalesce(before, ''))`, 'like', like),
          eb(sql`lower(coalesce(after, ''))`, 'like', like),
        ]),
      );
    }
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 100).offset(f.offset ?? 0).execute();
    return { data: rows.map(toEntry), total };
  },
});
