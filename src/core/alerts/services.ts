/**
 * Managing what routes alerts: escalation policies, services, integrations (keys), maintenance
 * windows and heartbeats. Every change is on the timeline of the object it changes.
 */
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import type { Ctx } from '../shared/context.js';
import { newId, newSecret } from '../shared/ids.js';
import type { CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import { HEARTBEAT_JOB } from '../shared/jobs.js';
import { assertSpan, MAX_SPAN_MS, requireText, slugify } from '../shared/validate.js';
import { findTeam } from '../teams/teams.js';
import { actorOf, hashSecret, type Principal } from '../auth/auth.js';
import { requireTeamAdmin } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';
import { reachabilityWarnings } from '../notifications/notifications.js';
import { whoIsOnCall } from '../schedules/schedules.js';
import type { Urgency } from '../notifications/notifications.js';
import type { AlertPriority } from './intake.js';
import {
  INTEGRATION_TYPES,
  PRIORITIES,
  type EscalationPolicy,
  type EscalationStep,
  type EscalationTarget,
  type Heartbeat,
  type Integration,
  type IntegrationType,
  type MaintenanceWindow,
  type Service,
} from './model.js';

export const DEFAULT_URGENCY: Record<AlertPriority, Urgency> = { P1: 'high', P2: 'high', P3: 'high', P4: 'low', P5: 'low' };

function checkSlug(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw invalid('invalid_slug', `slug "${slug}" must be lowercase letters, digits and dashes.`, { field: 'slug' });
  return slug;
}

/** The signed-in principal a configuration change is made by. */
function principalIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw forbidden('Only a signed-in person can change this configuration.');
  return ctx.principal;
}

async function teamId(r: Repos, ref: string): Promise<string> {
  const t = await findTeam(r, ref);
  if (!t) throw invalid('unknown_team', `teamId: no team "${ref}".`, { field: 'teamId' });
  return t.id;
}

// ---------------------------------------------------------------------------------------------
// Escalation policies

export interface PolicyInput {
  name: string;
  slug?: string;
  teamId: string;
  description?: string;
  repeat?: number;
  steps: Array<{ delayMinutes: number; targets: Array<{ type: string; id: string }> }>;
}

/** Resolves target references (ids, slugs, emails) and validates the steps. */
async function normalizeSteps(r: Repos, steps: PolicyInput['steps']): Promise<EscalationStep[]> {
  if (!Array.isArray(steps) || steps.length === 0) throw invalid('invalid_policy', 'An escalation policy needs at least one step.', { field: 'steps' });
  if (steps.length > 20) throw invalid('invalid_policy', 'At most 20 steps.', { field: 'steps' });
  const out: EscalationStep[] = [];
  for (const [i, step] of steps.entries()) {
    if (!Number.isInteger(step.delayMinutes) || step.delayMinutes < 1 || step.delayMinutes > 1440) {
      throw invalid('invalid_policy', `steps[${i}].delayMinutes must be a whole number of minutes from 1 to 1440.`, { field: `steps[${i}].delayMinutes` });
    }
    if (!Array.isArray(step.targets) || step.targets.length === 0) throw invalid('invalid_policy', `steps[${i}] notifies nobody: give it at least one target.`, { field: `steps[${i}].targets` });
    const targets: EscalationTarget[] = [];
    for (const [j, t] of step.targets.entries()) {
      const field = `steps[${i}].targets[${j}]`;
      switch (t.type) {
        case 'schedule': {
          const s = (await r.schedules.findById(t.id)) ?? (await r.schedules.findBySlug(t.id));
          if (!s) throw invalid('unknown_target', `${field}: no schedule "${t.id}".`, { field });
          targets.push({ type: 'schedule', id: s.id });
          break;
        }
        case 'user': {
          const u = t.id.includes('@') ? await r.users.findByEmail(t.id.toLowerCase()) : await r.users.findById(t.id);
          if (!u) throw invalid('unknown_target', `${field}: no user "${t.id}".`, { field });
          targets.push({ type: 'user', id: u.id });
          break;
        }
        case 'team': {
          const team = await findTeam(r, t.id);
          if (!team) throw invalid('unknown_target', `${field}: no team "${t.id}".`, { field });
          targets.push({ type: 'team', id: team.id });
          break;
        }
        case 'slack_channel':
          if (!/^[CG][A-Z0-9]{2,20}$/.test(t.id)) throw invalid('unknown_target', `${field}: "${t.id}" is not a Slack channel id (C...).`, { field });
          targets.push({ type: 'slack_channel', id: t.id });
          break;
        default:
          throw invalid('unknown_target', `${field}: type must be schedule, user, team or slack_channel.`, { field });
      }
    }
    out.push({ delayMinutes: step.delayMinutes, targets });
  }
  return out;
}

/** Why steps of a policy would notify nobody now: empty schedules, unreachable people. */
export async function policyWarnings(r: Repos, policy: EscalationPolicy, now: number): Promise<string[]> {
  const warnings: string[] = [];
  for (const [i, step] of policy.steps.entries()) {
    const { users, problems } = await resolveTargets(r, step.targets, now);
    for (const p of problems) warnings.push(`step ${i + 1}: ${p}`);
    const reachable: string[] = [];
    for (const u of users) {
      const w = await reachabilityWarnings(r, u);
      const user = await r.users.findById(u);
      if (w.some((x) => x.startsWith('no verified'))) warnings.push(`step ${i + 1}: ${user?.name ?? u} has no verified contact method`);
      else reachable.push(u);
    }
    if (reachable.length === 0 && !step.targets.some((t) => t.type === 'slack_channel')) warnings.push(`step ${i + 1} would notify nobody`);
  }
  return warnings;
}

/** The people a step's targets mean right now, and what is wrong with them. */
export async function resolveTargets(r: Repos, targets: EscalationTarget[], now: number): Promise<{ users: string[]; channels: string[]; problems: string[] }> {
  const users = new Set<string>();
  const channels: string[] = [];
  const problems: string[] = [];
  for (const t of targets) {
    if (t.type === 'user') {
      const u = await r.users.findById(t.id);
      if (!u || !u.active) problems.push(`user ${t.id} is deactivated or gone`);
      else users.add(u.id);
    } else if (t.type === 'team') {
      const team = await r.teams.findById(t.id);
      if (!team || team.memberIds.length === 0) problems.push(`team ${team?.name ?? t.id} has no members`);
      for (const id of team?.memberIds ?? []) users.add(id);
    } else if (t.type === 'schedule') {
      const s = await r.schedules.findById(t.id);
      if (!s) {
        problems.push(`schedule ${t.id} is gone`);
        continue;
      }
      const [o] = await whoIsOnCall(r, [s], now);
      if (!o || o.onCall.length === 0) problems.push(`nobody is on call for ${s.name} (a gap)`);
      for (const c of o?.onCall ?? []) users.add(c.userId);
    } else channels.push(t.id);
  }
  return { users: [...users], channels, problems };
}

export async function savePolicy(r: Repos, who: Principal, input: PolicyInput, now: number, existing?: EscalationPolicy): Promise<{ policy: EscalationPolicy; changed: boolean }> {
  const actor = actorOf(who);
  // The team that owns it now, and the team it is given to, must both be the caller's to manage.
  if (existing) await requireTeamAdmin(r, who, existing.teamId, 'change this escalation policy');
  const owner = await teamId(r, input.teamId);
  await requireTeamAdmin(r, who, owner, existing ? 'give an escalation policy to this team' : 'create an escalation policy for this team');
  const name = requireText(input.name, 'name');
  const slug = checkSlug(input.slug ?? slugify(name));
  const repeat = input.repeat ?? 0;
  if (!Number.isInteger(repeat) || repeat < 0 || repeat > 9) throw invalid('invalid_policy', 'repeat must be a whole number from 0 to 9.', { field: 'repeat' });
  const policy: EscalationPolicy = {
    id: existing?.id ?? newId(now),
    teamId: owner,
    slug,
    name,
    description: input.description ?? existing?.description ?? '',
    repeat,
    steps: await normalizeSteps(r, input.steps),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) {
    const same = JSON.stringify({ ...existing, updatedAt: 0 }) === JSON.stringify({ ...policy, updatedAt: 0 });
    if (same) return { policy: existing, changed: false };
    if (slug !== existing.slug && (await r.alerts.findPolicy(slug))) throw conflict('policy_exists', `An escalation policy "${slug}" exists already.`);
    await r.alerts.updatePolicy(policy);
    await r.events.append({ entityType: 'escalation_policy', entityId: policy.id, type: 'policy.updated', actor, data: { steps: policy.steps.length, repeat } });
    await audit(r, actor, { action: 'policy.updated', entityType: 'escalation_policy', entityId: policy.id, teamId: policy.teamId, before: existing, after: policy });
  } else {
    if (await r.alerts.findPolicy(slug)) throw conflict('policy_exists', `An escalation policy "${slug}" exists already.`, { field: 'slug' });
    await r.alerts.insertPolicy(policy);
    await r.events.append({ entityType: 'escalation_policy', entityId: policy.id, type: 'policy.created', actor, data: { name, steps: policy.steps.length, repeat } });
    await audit(r, actor, { action: 'policy.created', entityType: 'escalation_policy', entityId: policy.id, teamId: policy.teamId, before: null, after: policy });
  }
  return { policy, changed: true };
}

export async function findPolicy(r: Repos, ref: string): Promise<EscalationPolicy> {
  const p = await r.alerts.findPolicy(ref);
  if (!p) throw notFound('escalation_policy', ref);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Services

export interface ServiceInput {
  name: string;
  slug?: string;
  teamId: string;
  description?: string;
  escalationPolicyId?: string | null;
  alertsChannel?: string | null;
  urgencyRule?: Partial<Record<AlertPriority, Urgency>>;
  stormThreshold?: number;
}

export async function saveService(r: Repos, who: Principal, input: ServiceInput, now: number, existing?: Service): Promise<{ service: Service; changed: boolean }> {
  const actor = actorOf(who);
  if (existing) await requireTeamAdmin(r, who, existing.teamId, 'change this service');
  const owner = await teamId(r, input.teamId);
  await requireTeamAdmin(r, who, owner, existing ? 'give a service to this team' : 'create a service for this team');
  const name = requireText(input.name, 'name');
  const slug = checkSlug(input.slug ?? slugify(name));
  let policyId: string | null = existing?.escalationPolicyId ?? null;
  if (input.escalationPolicyId !== undefined) policyId = input.escalationPolicyId === null ? null : (await findPolicy(r, input.escalationPolicyId)).id;
  if (input.alertsChannel && !/^[CG][A-Z0-9]{2,20}$/.test(input.alertsChannel)) throw invalid('invalid_slack_id', `alertsChannel "${input.alertsChannel}" is not a Slack channel id (C...).`, { field: 'alertsChannel' });
  const urgencyRule = { ...(existing?.urgencyRule ?? DEFAULT_URGENCY), ...(input.urgencyRule ?? {}) };
  for (const [p, u] of Object.entries(urgencyRule)) {
    if (!PRIORITIES.includes(p as AlertPriority) || (u !== 'high' && u !== 'low')) throw invalid('invalid_urgency_rule', 'urgencyRule maps P1..P5 to high or low.', { field: 'urgencyRule' });
  }
  const stormThreshold = input.stormThreshold ?? existing?.stormThreshold ?? 10;
  if (!Number.isInteger(stormThreshold) || stormThreshold < 2 || stormThreshold > 10_000) throw invalid('invalid_field', 'stormThreshold must be from 2 to 10000.', { field: 'stormThreshold' });
  const service: Service = {
    id: existing?.id ?? newId(now),
    teamId: owner,
    slug,
    name,
    description: input.description ?? existing?.description ?? '',
    escalationPolicyId: policyId,
    alertsChannel: input.alertsChannel === undefined ? (existing?.alertsChannel ?? null) : input.alertsChannel,
    urgencyRule,
    stormThreshold,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) {
    if (JSON.stringify({ ...existing, updatedAt: 0 }) === JSON.stringify({ ...service, updatedAt: 0 })) return { service: existing, changed: false };
    if (slug !== existing.slug && (await r.alerts.findService(slug))) throw conflict('service_exists', `A service "${slug}" exists already.`);
    await r.alerts.updateService(service);
    await r.events.append({ entityType: 'service', entityId: service.id, type: 'service.updated', actor, data: {} });
    await audit(r, actor, { action: 'service.updated', entityType: 'service', entityId: service.id, teamId: service.teamId, before: existing, after: service });
  } else {
    if (await r.alerts.findService(slug)) throw conflict('service_exists', `A service "${slug}" exists already.`, { field: 'slug' });
    await r.alerts.insertService(service);
    await r.events.append({ entityType: 'service', entityId: service.id, type: 'service.created', actor, data: { name } });
    await audit(r, actor, { action: 'service.created', entityType: 'service', entityId: service.id, teamId: service.teamId, before: null, after: service });
  }
  return { service, changed: true };
}

export async function findService(r: Repos, ref: string): Promise<Service> {
  const s = await r.alerts.findService(ref);
  if (!s) throw notFound('service', ref);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Integrations

export interface IntegrationInput {
  name: string;
  type: string;
  /** Keep an existing client's key (OpsGenie API key, PagerDuty routing key); else one is made. */
  key?: string;
  signingSecret?: string | null;
  options?: Record<string, unknown>;
}

export async function addIntegration(r: Repos, who: Principal, service: Service, input: IntegrationInput, now: number): Promise<{ integration: Integration; key: string }> {
  const actor = actorOf(who);
  await requireTeamAdmin(r, who, service.teamId, "add an integration to this service");
  if (!INTEGRATION_TYPES.includes(input.type as IntegrationType)) throw invalid('invalid_integration_type', `type must be one of ${INTEGRATION_TYPES.join(', ')}.`, { field: 'type' });
  const key = input.key ?? newSecret(input.type === 'pagerduty' ? '' : 'vgi_', 24).replace(/[^A-Za-z0-9]/g, '').slice(0, 32).padEnd(32, '0');
  if (key.length < 16 || key.length > 200 || /\s/.test(key)) throw invalid('invalid_key', 'An integration key has 16 to 200 characters and no spaces.', { field: 'key' });
  if (await r.alerts.findIntegrationByKeyHash(hashSecret(key))) throw conflict('key_in_use', 'This key is used by another integration.', { field: 'key' });
  const integration: Integration = {
    id: newId(now),
    serviceId: service.id,
    name: requireText(input.name, 'name'),
    type: input.type as IntegrationType,
    keyHint: `${key.slice(0, 4)}…${key.slice(-4)}`,
    signingSecret: input.signingSecret ?? null,
    options: input.options ?? {},
    disabled: false,
    createdAt: now,
  };
  await r.alerts.insertIntegration(integration, hashSecret(key));
  await r.events.append({ entityType: 'service', entityId: service.id, type: 'integration.added', actor, data: { integrationId: integration.id, name: integration.name, type: integration.type } });
  await audit(r, actor, { action: 'integration.added', entityType: 'integration', entityId: integration.id, teamId: service.teamId, before: null, after: integration });
  return { integration, key };
}

/** Removes an integration: its key stops working at once. */
async function removeIntegrationIn(r: Repos, who: Principal, serviceRef: string, integrationId: string): Promise<void> {
  const s = await findService(r, serviceRef);
  const i = await r.alerts.findIntegration(integrationId);
  if (!i || i.serviceId !== s.id) throw notFound('integration', integrationId);
  await requireTeamAdmin(r, who, s.teamId, 'remove an integration of this service');
  const actor = actorOf(who);
  await r.alerts.deleteIntegration(i.id);
  await r.events.append({ entityType: 'service', entityId: s.id, type: 'integration.removed', actor, data: { integrationId: i.id, name: i.name } });
  await audit(r, actor, { action: 'integration.removed', entityType: 'integration', entityId: i.id, teamId: s.teamId, before: i, after: null });
}

export async function findIntegrationByKey(r: Repos, key: string): Promise<{ integration: Integration; service: Service } | undefined> {
  const integration = await r.alerts.findIntegrationByKeyHash(hashSecret(key));
  if (!integration || integration.disabled) return undefined;
  const service = await r.alerts.findService(integration.serviceId);
  return service ? { integration, service } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Maintenance windows and heartbeats

export async function addMaintenance(deps: CoreDeps, ctx: Ctx, input: { service: string; start: number; end: number; reason?: string }): Promise<MaintenanceWindow> {
  const who = principalIn(ctx);
  if (!(input.end > input.start)) throw invalid('invalid_window', 'end must be after start.', { field: 'end' });
  assertSpan(input.start, input.end, MAX_SPAN_MS.maintenance, 'A maintenance window');
  const now = ctx.now;
  const actor = actorOf(who);
  return deps.uow.run(async (r) => {
    const s = await findService(r, input.service);
    await requireTeamAdmin(r, who, s.teamId, 'schedule maintenance on this service');
    const m: MaintenanceWindow = { id: newId(now), serviceId: s.id, start: input.start, end: input.end, reason: input.reason ?? '', createdBy: actor.id, createdAt: now };
    await r.alerts.insertMaintenance(m);
    await r.events.append({ entityType: 'service', entityId: s.id, type: 'maintenance.scheduled', actor, data: { maintenanceId: m.id, start: m.start, end: m.end, reason: m.reason } });
    await audit(r, actor, { action: 'maintenance.scheduled', entityType: 'maintenance_window', entityId: m.id, teamId: s.teamId, before: null, after: m });
    return m;
  });
}

export async function removeMaintenance(deps: CoreDeps, ctx: Ctx, input: { service: string; windowId: string }): Promise<void> {
  const who = principalIn(ctx);
  const actor = actorOf(who);
  await deps.uow.run(async (r) => {
    const s = await findService(r, input.service);
    const w = (await r.alerts.listMaintenance(s.id)).find((m) => m.id === input.windowId);
    if (!w) throw notFound('maintenance_window', input.windowId);
    await requireTeamAdmin(r, who, s.teamId, 'cancel maintenance on this service');
    await r.alerts.deleteMaintenance(w.id);
    await r.events.append({ entityType: 'service', entityId: s.id, type: 'maintenance.cancelled', actor, data: { maintenanceId: w.id } });
    await audit(r, actor, { action: 'maintenance.cancelled', entityType: 'maintenance_window', entityId: w.id, teamId: s.teamId, before: w, after: null });
  });
}

export { HEARTBEAT_JOB } from '../shared/jobs.js';

export async function saveHeartbeat(r: Repos, who: Principal, service: Service, input: { name: string; intervalSeconds: number; priority?: AlertPriority; enabled?: boolean }, now: number): Promise<{ heartbeat: Heartbeat; changed: boolean }> {
  await requireTeamAdmin(r, who, service.teamId, 'change the heartbeats of this service');
  const actor = actorOf(who);
  const name = requireText(input.name, 'name', 100);
  if (!Number.isInteger(input.intervalSeconds) || input.intervalSeconds < 30 || input.intervalSeconds > 7 * 86400) {
    throw invalid('invalid_field', 'intervalSeconds must be from 30 to 604800.', { field: 'intervalSeconds' });
  }
  const priority = input.priority ?? 'P3';
  if (!PRIORITIES.includes(priority)) throw invalid('invalid_priority', 'priority must be P1..P5.', { field: 'priority' });
  const existing = await r.alerts.findHeartbeatByName(name);
  if (existing && existing.serviceId !== service.id) throw conflict('heartbeat_exists', `A heartbeat "${name}" exists on another service.`);
  const hb: Heartbeat = {
    id: existing?.id ?? newId(now),
    serviceId: service.id,
    name,
    intervalSeconds: input.intervalSeconds,
    priority,
    enabled: input.enabled ?? true,
    lastPingAt: existing?.lastPingAt ?? null,
    state: existing?.state ?? 'waiting',
    createdAt: existing?.createdAt ?? now,
  };
  if (existing) {
    const changed = existing.intervalSeconds !== hb.intervalSeconds || existing.priority !== hb.priority || existing.enabled !== hb.enabled;
    if (changed) {
      await r.alerts.updateHeartbeat(hb);
      await audit(r, actor, { action: 'heartbeat.updated', entityType: 'heartbeat', entityId: hb.id, teamId: service.teamId, before: existing, after: hb });
    }
    return { heartbeat: hb, changed };
  }
  await r.alerts.insertHeartbeat(hb);
  await r.events.append({ entityType: 'service', entityId: service.id, type: 'heartbeat.created', actor, data: { name, intervalSeconds: hb.intervalSeconds } });
  await audit(r, actor, { action: 'heartbeat.created', entityType: 'heartbeat', entityId: hb.id, teamId: service.teamId, before: null, after: hb });
  // A new heartbeat expects its first ping within one interval.
  await r.jobs.enqueue({ kind: HEARTBEAT_JOB, payload: { heartbeatId: hb.id }, runAt: now + hb.intervalSeconds * 1000, dedupeKey: `heartbeat:${hb.id}:${now + hb.intervalSeconds * 1000}` });
  return { heartbeat: hb, changed: true };
}

// ---------------------------------------------------------------------------------------------
// Use cases: what adapters call. Each opens its own transaction.

export type PolicyView = EscalationPolicy & { warnings: string[] };

const withWarnings = async (r: Repos, p: EscalationPolicy, now: number): Promise<PolicyView> => ({ ...p, warnings: await policyWarnings(r, p, now) });

/** Escalation policies, each with warnings about steps that would notify nobody now. */
export async function listPolicies(deps: CoreDeps, ctx: Ctx): Promise<{ data: PolicyView[] }> {
  return deps.uow.run(async (r) => ({ data: await Promise.all((await r.alerts.listPolicies()).map((p) => withWarnings(r, p, ctx.now))) }));
}

export async function getPolicy(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<PolicyView> {
  return deps.uow.run(async (r) => withWarnings(r, await findPolicy(r, input.ref), ctx.now));
}

export async function createPolicy(deps: CoreDeps, ctx: Ctx, input: PolicyInput): Promise<PolicyView> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => withWarnings(r, (await savePolicy(r, who, input, ctx.now)).policy, ctx.now));
}

/** Replaces the policy `ref` with `policy`. */
export async function replacePolicy(deps: CoreDeps, ctx: Ctx, input: { ref: string; policy: PolicyInput }): Promise<PolicyView> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => {
    const existing = await findPolicy(r, input.ref);
    return withWarnings(r, (await savePolicy(r, who, input.policy, ctx.now, existing)).policy, ctx.now);
  });
}

export async function listServices(deps: CoreDeps, _ctx: Ctx): Promise<{ data: Service[] }> {
  return deps.uow.run(async (r) => ({ data: await r.alerts.listServices() }));
}

/** A service with its integrations, its maintenance windows not over yet and its heartbeats. */
export async function getService(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<{ service: Service; integrations: Integration[]; maintenance: MaintenanceWindow[]; heartbeats: Heartbeat[] }> {
  return deps.uow.run(async (r) => {
    const s = await findService(r, input.ref);
    return {
      service: s,
      integrations: await r.alerts.listIntegrations(s.id),
      maintenance: (await r.alerts.listMaintenance(s.id)).filter((m) => m.end > ctx.now),
      heartbeats: await r.alerts.listHeartbeats(s.id),
    };
  });
}

export async function createService(deps: CoreDeps, ctx: Ctx, input: ServiceInput): Promise<Service> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => (await saveService(r, who, input, ctx.now)).service);
}

/** Replaces the service `ref` with `service`. */
export async function replaceService(deps: CoreDeps, ctx: Ctx, input: { ref: string; service: ServiceInput }): Promise<Service> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => (await saveService(r, who, input.service, ctx.now, await findService(r, input.ref))).service);
}

/** Adds an integration to the service `service`; its key is in this answer only. */
export async function createIntegration(deps: CoreDeps, ctx: Ctx, input: { service: string; integration: IntegrationInput }): Promise<{ integration: Integration; key: string }> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => addIntegration(r, who, await findService(r, input.service), input.integration, ctx.now));
}

/** Removes an integration: its key stops working at once. */
export async function removeIntegration(deps: CoreDeps, ctx: Ctx, input: { service: string; integrationId: string }): Promise<void> {
  const who = principalIn(ctx);
  await deps.uow.run((r) => removeIntegrationIn(r, who, input.service, input.integrationId));
}

/** Creates or updates a heartbeat of the service `service`. */
export async function setHeartbeat(deps: CoreDeps, ctx: Ctx, input: { service: string; heartbeat: { name: string; intervalSeconds: number; priority?: AlertPriority; enabled?: boolean } }): Promise<Heartbeat> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => (await saveHeartbeat(r, who, await findService(r, input.service), input.heartbeat, ctx.now)).heartbeat);
}

/** A service's timeline (changes, change events, storms). */
export async function serviceTimeline(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<{ data: TimelineEvent[] }> {
  return deps.uow.run(async (r) => ({ data: await r.events.list('service', (await findService(r, input.ref)).id, { limit: 1000 }) }));
}
