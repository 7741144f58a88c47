/**
 * The `escalationPolicies` and `services` sections of `vigil.yaml`:
 *
 * ```yaml
 * escalationPolicies:
 *   - slug: platform-default
 *     name: Platform default
 *     team: platform
 *     repeat: 2                        # run the steps 3 times in all
 *     steps:
 *       - delayMinutes: 5
 *         targets: [{ schedule: platform-primary }]
 *       - delayMinutes: 10
 *         targets: [{ user: lead@example.com }, { slackChannel: C024BE91L }]
 * services:
 *   - slug: checkout
 *     name: Checkout
 *     team: platform
 *     escalationPolicy: platform-default
 *     alertsChannel: C0ALERTS01        # the team's #alerts
 *     urgency: { P3: low }             # priority -> urgency (default P1-P3 high, P4-P5 low)
 *     integrations:
 *       - name: Alertmanager
 *         type: alertmanager           # opsgenie | pagerduty | alertmanager | grafana | generic | sentry
 *         key: ${KEEP_YOUR_EXISTING_KEY}  # optional: existing clients keep their configured key
 *     heartbeats:
 *       - { name: nightly-backup, intervalSeconds: 90000, priority: P2 }
 *     maintenance:
 *       - { start: 2027-01-10T22:00:00Z, end: 2027-01-11T02:00:00Z, reason: DB upgrade }
 * ```
 */
import { hashSecret } from '../auth/auth.js';
import { invalid } from '../shared/errors.js';
import { slugify } from '../shared/validate.js';
import { newId } from '../shared/ids.js';
import type { AlertPriority } from '../alerts/intake.js';
import { requireTeamAdmin } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';
import { addIntegration, saveHeartbeat, savePolicy, saveService } from '../alerts/services.js';
import { checkFields, checkUnique, expectList, type ConfigSection } from './config-as-code.js';

const TARGET_KEYS: Record<string, 'schedule' | 'user' | 'team' | 'slack_channel'> = { schedule: 'schedule', user: 'user', team: 'team', slackChannel: 'slack_channel' };

function toTarget(t: Record<string, unknown>, path: string): { type: string; id: string } {
  const entries = Object.entries(t);
  const [key, value] = entries[0] ?? [];
  if (entries.length !== 1 || !key || !(key in TARGET_KEYS) || typeof value !== 'string') throw invalid('invalid_config', `${path}: a target is one of { schedule | user | team | slackChannel: <ref> }.`);
  return { type: TARGET_KEYS[key]!, id: value };
}

export const policiesSection: ConfigSection = {
  key: 'escalationPolicies',
  order: 40,
  validate(value, problems) {
    const items = expectList(value, 'escalationPolicies', problems);
    items.forEach((p, i) => {
      checkFields(p, `escalationPolicies[${i}]`, { name: 'string', slug: 'string?', team: 'string', description: 'string?', repeat: 'number?', steps: 'any' }, problems);
      expectList(p.steps ?? [], `escalationPolicies[${i}].steps`, problems).forEach((s, j) => checkFields(s, `escalationPolicies[${i}].steps[${j}]`, { delayMinutes: 'number', targets: 'any' }, problems));
    });
    checkUnique(items.map((p) => ({ slug: typeof p.slug === 'string' ? p.slug : typeof p.name === 'string' ? slugify(p.name) : undefined })), 'slug', 'escalationPolicies', problems);
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const slug = (item.slug as string | undefined) ?? slugify(item.name as string);
      const steps = (item.steps as Array<Record<string, unknown>>).map((s, j) => ({
        delayMinutes: s.delayMinutes as number,
        targets: ((s.targets as Array<Record<string, unknown>>) ?? []).map((t, k) => toTarget(t, `policy ${slug} steps[${j}].targets[${k}]`)),
      }));
      const existing = await r.alerts.findPolicy(slug);
      const { changed } = await savePolicy(
        r,
        ctx.principal,
        { name: item.name as string, slug, teamId: item.team as string, ...(item.description !== undefined ? { description: item.description as string } : {}), repeat: (item.repeat as number | undefined) ?? 0, steps },
        ctx.now,
        existing,
      );
      ctx.record({ key: slug, action: existing ? (changed ? 'update' : 'unchanged') : 'create' });
    }
  },
  async export(r) {
    const teams = new Map((await r.teams.list()).map((t) => [t.id, t.slug]));
    const users = new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.email]));
    const schedules = new Map((await r.schedules.list()).map((s) => [s.id, s.slug]));
    const back = { schedule: 'schedule', user: 'user', team: 'team', slack_channel: 'slackChannel' } as const;
    const ref = (type: keyof typeof back, id: string) => (type === 'user' ? users.get(id) : type === 'team' ? teams.get(id) : type === 'schedule' ? schedules.get(id) : id) ?? id;
    return (await r.alerts.listPolicies()).map((p) => ({
      slug: p.slug,
      name: p.name,
      team: teams.get(p.teamId),
      ...(p.description ? { description: p.description } : {}),
      repeat: p.repeat,
      steps: p.steps.map((s) => ({ delayMinutes: s.delayMinutes, targets: s.targets.map((t) => ({ [back[t.type]]: ref(t.type, t.id) })) })),
    }));
  },
};

export const servicesSection: ConfigSection = {
  key: 'services',
  order: 50,
  validate(value, problems) {
    const items = expectList(value, 'services', problems);
    items.forEach((s, i) => {
      const path = `services[${i}]`;
      checkFields(s, path, { name: 'string', slug: 'string?', team: 'string', description: 'string?', escalationPolicy: 'string|null?', alertsChannel: 'string|null?', urgency: 'any?', stormThreshold: 'number?', integrations: 'any?', heartbeats: 'any?', maintenance: 'any?' }, problems);
      expectList(s.integrations ?? [], `${path}.integrations`, problems).forEach((x, j) => checkFields(x, `${path}.integrations[${j}]`, { name: 'string', type: 'string', key: 'string?', signingSecret: 'string?', options: 'any?' }, problems));
      expectList(s.heartbeats ?? [], `${path}.heartbeats`, problems).forEach((x, j) => checkFields(x, `${path}.heartbeats[${j}]`, { name: 'string', intervalSeconds: 'number', priority: 'string?', enabled: 'boolean?' }, problems));
      expectList(s.maintenance ?? [], `${path}.maintenance`, problems).forEach((x, j) => checkFields(x, `${path}.maintenance[${j}]`, { start: 'any', end: 'any', reason: 'string?' }, problems));
    });
    checkUnique(items.map((s) => ({ slug: typeof s.slug === 'string' ? s.slug : typeof s.name === 'string' ? slugify(s.name) : undefined })), 'slug', 'services', problems);
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const slug = (item.slug as string | undefined) ?? slugify(item.name as string);
      const existing = await r.alerts.findService(slug);
      const { service, changed } = await saveService(
        r,
        ctx.principal,
        {
          name: item.name as string,
          slug,
          teamId: item.team as string,
          ...(item.description !== undefined ? { description: item.description as string } : {}),
          ...(item.escalationPolicy !== undefined ? { escalationPolicyId: item.escalationPolicy as string | null } : {}),
          ...(item.alertsChannel !== undefined ? { alertsChannel: item.alertsChannel as string | null } : {}),
          ...(item.urgency ? { urgencyRule: item.urgency as Record<AlertPriority, 'high' | 'low'> } : {}),
          ...(item.stormThreshold !== undefined ? { stormThreshold: item.stormThreshold as number } : {}),
        },
        ctx.now,
        existing,
      );
      const changes: Record<string, unknown> = {};
      const integrations = await r.alerts.listIntegrations(service.id);
      for (const x of (item.integrations as Array<Record<string, unknown>> | undefined) ?? []) {
        const key = x.key as string | undefined;
        const same = key ? integrations.find((i) => i.id && i.keyHint === `${key.slice(0, 4)}…${key.slice(-4)}`) : integrations.find((i) => i.name === x.name && i.type === x.type);
        if (same) continue;
        if (key && (await r.alerts.findIntegrationByKeyHash(hashSecret(key)))) continue;
        await addIntegration(r, ctx.principal, service, { name: x.name as string, type: x.type as string, ...(key ? { key } : {}), ...(x.signingSecret ? { signingSecret: x.signingSecret as string } : {}), ...(x.options ? { options: x.options as Record<string, unknown> } : {}) }, ctx.now);
        changes.integrationsAdded = ((changes.integrationsAdded as number) ?? 0) + 1;
      }
      for (const h of (item.heartbeats as Array<Record<string, unknown>> | undefined) ?? []) {
        const res = await saveHeartbeat(r, ctx.principal, service, { name: h.name as string, intervalSeconds: h.intervalSeconds as number, ...(h.priority ? { priority: h.priority as AlertPriority } : {}), ...(h.enabled !== undefined ? { enabled: h.enabled as boolean } : {}) }, ctx.now);
        if (res.changed) changes.heartbeats = ((changes.heartbeats as number) ?? 0) + 1;
      }
      const windows = await r.alerts.listMaintenance(service.id);
      for (const m of (item.maintenance as Array<Record<string, unknown>> | undefined) ?? []) {
        const start = Date.parse(String(m.start instanceof Date ? m.start.toISOString() : m.start));
        const end = Date.parse(String(m.end instanceof Date ? m.end.toISOString() : m.end));
        if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw invalid('invalid_config', `service ${slug} maintenance: start and end must be date-times with end after start.`);
        if (end <= ctx.now || windows.some((w) => w.start === start && w.end === end)) continue;
        await requireTeamAdmin(r, ctx.principal, service.teamId, 'schedule maintenance on this service');
        const window = { id: newId(ctx.now), serviceId: service.id, start, end, reason: (m.reason as string | undefined) ?? '', createdBy: ctx.actor.id, createdAt: ctx.now };
        await r.alerts.insertMaintenance(window);
        await audit(r, ctx.actor, { action: 'maintenance.scheduled', entityType: 'maintenance_window', entityId: window.id, teamId: service.teamId, before: null, after: window });
        changes.maintenanceAdded = ((changes.maintenanceAdded as number) ?? 0) + 1;
      }
      if (!existing) ctx.record({ key: slug, action: 'create' });
      else if (changed || Object.keys(changes).length) ctx.record({ key: slug, action: 'update', changes });
      else ctx.record({ key: slug, action: 'unchanged' });
    }
  },
  async export(r) {
    const teams = new Map((await r.teams.list()).map((t) => [t.id, t.slug]));
    const policies = new Map((await r.alerts.listPolicies()).map((p) => [p.id, p.slug]));
    const out: unknown[] = [];
    for (const s of await r.alerts.listServices()) {
      const integrations = await r.alerts.listIntegrations(s.id);
      const heartbeats = await r.alerts.listHeartbeats(s.id);
      out.push({
        slug: s.slug,
        name: s.name,
        team: teams.get(s.teamId),
        ...(s.description ? { description: s.description } : {}),
        ...(s.escalationPolicyId ? { escalationPolicy: policies.get(s.escalationPolicyId) } : {}),
        ...(s.alertsChannel ? { alertsChannel: s.alertsChannel } : {}),
        urgency: s.urgencyRule,
        stormThreshold: s.stormThreshold,
        ...(integrations.length ? { integrations: integrations.map((i) => ({ name: i.name, type: i.type })) } : {}),
        ...(heartbeats.length ? { heartbeats: heartbeats.map((h) => ({ name: h.name, intervalSeconds: h.intervalSeconds, priority: h.priority, enabled: h.enabled })) } : {}),
      });
    }
    return out;
  },
};

export const alertsSections = [policiesSection, servicesSection];
