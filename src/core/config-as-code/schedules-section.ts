/**
 * The `schedules` section of `vigil.yaml`:
 *
 * ```yaml
 * schedules:
 *   - slug: platform-primary          # key (default: from name)
 *     name: Platform primary
 *     team: platform                  # team slug
 *     timeZone: Europe/Berlin
 *     reminderMinutes: 60             # remind the incoming on-call (0: never)
 *     slackUserGroup: S0614TZR7       # members follow the on-call at every hand-off
 *     slackHandoffChannel: C024BE91L  # hand-offs are announced here
 *     layers:                         # lowest precedence first
 *       - name: Weekly
 *         mode: override              # default: replaces the layers below where it has coverage;
 *                                     # combine: on call together with them (OpsGenie rotations)
 *         participants: [ada@example.com, grace@example.com]
 *         shift: { unit: week, length: 1 }
 *         handoffTime: "10:00"
 *         handoffWeekday: 1           # Monday
 *         startDate: "2026-01-05"      # omitted: starts when first applied (on call at once)
 *         restrictions:               # optional: only these windows
 *           - { type: time_of_day, start: "09:00", end: "17:00" }
 *     overrides:                      # added when missing; never removed by apply
 *       - user: grace@example.com
 *         start: 2026-12-24T00:00:00Z
 *         end: 2026-12-27T00:00:00Z
 *         replaces: ada@example.com   # optional
 *         layer: Weekly               # optional: replace only this layer's person (by layer name)
 * ```
 */
import { invalid } from '../shared/errors.js';
import type { Layer } from '../schedules/model.js';
import { insertOverride, insertSchedule, resolveUserRef, saveSchedule, type LayerInput } from '../schedules/schedules.js';
import { slugify } from '../shared/validate.js';
import { checkFields, checkUnique, expectList, type ConfigSection } from './config-as-code.js';

const toMs = (v: unknown, path: string): number => {
  const ms = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Date.parse(String(v));
  if (!Number.isFinite(ms)) throw invalid('invalid_time', `${path}: "${String(v)}" is not a date-time (use ISO 8601 with a zone).`);
  return ms;
};

export const schedulesSection: ConfigSection = {
  key: 'schedules',
  order: 30,
  validate(value, problems) {
    const items = expectList(value, 'schedules', problems);
    items.forEach((s, i) => {
      const path = `schedules[${i}]`;
      checkFields(s, path, { name: 'string', slug: 'string?', team: 'string', timeZone: 'string', description: 'string?', reminderMinutes: 'number?', slackUserGroup: 'string|null?', slackHandoffChannel: 'string|null?', layers: 'any?', overrides: 'any?' }, problems);
      expectList(s.layers ?? [], `${path}.layers`, problems).forEach((l, j) =>
        checkFields(l, `${path}.layers[${j}]`, { name: 'string', participants: 'string[]?', shift: 'any?', handoffTime: 'string', handoffWeekday: 'number?', startDate: 'any?', endDate: 'any?', restrictions: 'any?', mode: 'string|null?' }, problems),
      );
      expectList(s.overrides ?? [], `${path}.overrides`, problems).forEach((o, j) => checkFields(o, `${path}.overrides[${j}]`, { user: 'string', start: 'any?', end: 'any?', replaces: 'string?', layer: 'string?', reason: 'string?' }, problems));
    });
    checkUnique(items.map((s) => ({ slug: typeof s.slug === 'string' ? s.slug : typeof s.name === 'string' ? slugify(s.name) : undefined })), 'slug', 'schedules', problems);
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const slug = (item.slug as string | undefined) ?? slugify(item.name as string);
      const existing = await r.schedules.findBySlug(slug);
      const layers = ((item.layers as Array<Record<string, unknown>> | undefined) ?? []).map((l, i): LayerInput => {
        const sameName = existing?.layers.find((x) => x.name === l.name) ?? existing?.layers[i];
        const startDate = l.startDate instanceof Date ? l.startDate.toISOString().slice(0, 10) : (l.startDate as string);
        const endDate = l.endDate instanceof Date ? l.endDate.toISOString().slice(0, 10) : (l.endDate as string | undefined);
        return {
          ...(sameName ? { id: sameName.id } : {}),
          name: l.name as string,
          participants: (l.participants as string[] | undefined) ?? [],
          shift: (l.shift as Layer['shift'] | undefined) ?? { unit: 'week', length: 1 },
          handoffTime: l.handoffTime as string,
          ...(l.handoffWeekday !== undefined ? { handoffWeekday: l.handoffWeekday as Layer['handoffWeekday'] } : {}),
          ...(startDate ? { startDate } : {}),
          ...(endDate ? { endDate } : {}),
          ...(l.restrictions ? { restrictions: l.restrictions as Layer['restrictions'] } : {}),
          ...(l.mode !== undefined && l.mode !== null ? { mode: l.mode as Layer['mode'] } : {}),
        };
      });
      const input = {
        name: item.name as string,
        slug,
        teamId: item.team as string,
        timeZone: item.timeZone as string,
        ...(item.description !== undefined ? { description: item.description as string } : {}),
        ...(item.reminderMinutes !== undefined ? { reminderMinutes: item.reminderMinutes as number } : {}),
        ...(item.slackUserGroup !== undefined ? { slackUserGroupId: item.slackUserGroup as string | null } : {}),
        ...(item.slackHandoffChannel !== undefined ? { slackHandoffChannel: item.slackHandoffChannel as string | null } : {}),
        layers,
      };
      let scheduleChanged = false;
      let record;
      if (!existing) {
        record = await insertSchedule(r, ctx.principal, input, ctx.now);
        ctx.record({ key: slug, action: 'create' });
      } else {
        const { schedule, changed } = await saveSchedule(r, ctx.principal, existing, input, ctx.now);
        record = schedule;
        scheduleChanged = changed.length > 0;
      }
      const overrides = (item.overrides as Array<Record<string, unknown>> | undefined) ?? [];
      const current = await r.schedules.listOverrides([record.id], 0, Number.MAX_SAFE_INTEGER);
      let added = 0;
      for (const [j, o] of overrides.entries()) {
        const path = `schedule ${slug} overrides[${j}]`;
        const userId = await resolveUserRef(r, o.user as string, `${path}.user`);
        const replacesUserId = o.replaces ? await resolveUserRef(r, o.replaces as string, `${path}.replaces`) : null;
        const start = toMs(o.start, `${path}.start`);
        const end = toMs(o.end, `${path}.end`);
        let layerId: string | null = null;
        if (o.layer !== undefined) {
          const layer = record.layers.find((l) => l.name === o.layer) ?? record.layers.find((l) => l.id === o.layer);
          if (!layer) throw invalid('unknown_layer', `${path}.layer: schedule ${slug} has no layer named "${String(o.layer)}".`, { field: `${path}.layer` });
          layerId = layer.id;
        }
        if (current.some((c) => c.userId === userId && c.start === start && c.end === end && (c.replacesUserId ?? null) === replacesUserId && (c.layerId ?? null) === layerId)) continue;
        if (end <= ctx.now) continue; // past overrides are history
        await insertOverride(r, ctx.principal, record, { userId, replacesUserId, layerId, start, end, reason: (o.reason as string | undefined) ?? 'vigil.yaml' }, ctx.now);
        added += 1;
      }
      if (existing) {
        const changes: Record<string, unknown> = {};
        if (scheduleChanged) changes.schedule = 'updated';
        if (added) changes.overridesAdded = added;
        ctx.record({ key: slug, action: Object.keys(changes).length ? 'update' : 'unchanged', ...(Object.keys(changes).length ? { changes } : {}) });
      }
    }
  },
  async export(r) {
    const users = new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.email]));
    const teams = new Map((await r.teams.list()).map((t) => [t.id, t.slug]));
    const out: unknown[] = [];
    for (const s of await r.schedules.list()) {
      const overrides = await r.schedules.listOverrides([s.id], 0, Number.MAX_SAFE_INTEGER);
      out.push({
        slug: s.slug,
        name: s.name,
        team: teams.get(s.teamId),
        timeZone: s.timeZone,
        ...(s.description ? { description: s.description } : {}),
        reminderMinutes: s.reminderMinutes,
        ...(s.slackUserGroupId ? { slackUserGroup: s.slackUserGroupId } : {}),
        ...(s.slackHandoffChannel ? { slackHandoffChannel: s.slackHandoffChannel } : {}),
        layers: s.layers.map((l) => ({
          name: l.name,
          participants: l.participants.map((p) => users.get(p) ?? p),
          shift: l.shift,
          handoffTime: l.handoffTime,
          ...(l.handoffWeekday ? { handoffWeekday: l.handoffWeekday } : {}),
          startDate: l.startDate,
          ...(l.endDate ? { endDate: l.endDate } : {}),
          ...(l.restrictions && l.restrictions.length ? { restrictions: l.restrictions } : {}),
          ...(l.mode === 'combine' ? { mode: 'combine' } : {}),
        })),
        ...(overrides.length
          ? {
              overrides: overrides.map((o) => ({
                user: users.get(o.userId),
                start: new Date(o.start).toISOString(),
                end: new Date(o.end).toISOString(),
                ...(o.replacesUserId ? { replaces: users.get(o.replacesUserId) } : {}),
                ...(o.layerId ? { layer: s.layers.find((l) => l.id === o.layerId)?.name ?? o.layerId } : {}),
                ...(o.reason ? { reason: o.reason } : {}),
              })),
            }
          : {}),
      });
    }
    return out;
  },
};
