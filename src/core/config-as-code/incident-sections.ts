/**
 * The `severities` and `incidentSettings` sections of `vigil.yaml`:
 *
 * ```yaml
 * severities:                        # each level replaces the built-in one with the same key
 *   - key: P2
 *     rank: 2
 *     name: Significant
 *     definition: A feature is degraded for some customers.
 *     examples: [Slow search]
 *     ackTargetMinutes: 15
 *     responseTargetMinutes: 240
 *     urgency: high
 *     escalationPolicy: null
 *     updateCadenceMinutes: 60
 *     companyComms: true
 *     postmortemRequired: false
 *     postmortemEmailed: false
 *     postmortemDueDays: 14
 *     stakeholderGroups: [S0LEADS01, S0OPS0001, S0PMS0001]   # Slack user groups tagged
 *     incidentChannel: false
 *     whenToEscalate: Escalate to P1 when a core feature fails for many customers.
 * incidentSettings:
 *   companyEmail: partners@example.com
 *   announcementsChannel: C0ANNOUNCE
 *   escalationContact: lead@example.com
 *   securityOwner: security@example.com
 *   securityChannel: C0SECURITY
 *   oncallUserGroup: S0ONCALL01
 * ```
 */
import { invalid } from '../shared/errors.js';
import { DEFAULT_SEVERITIES, validateSeverity, type Severity } from '../incidents/severities.js';
import { getIncidentSettings, setIncidentSettings, type IncidentSettings } from '../incidents/incidents.js';
import { checkUnique, expectList, type ConfigSection } from './config-as-code.js';

const SEVERITY_FIELDS = Object.keys(DEFAULT_SEVERITIES[0]!);

export const severitiesSection: ConfigSection = {
  key: 'severities',
  order: 35,
  validate(value, problems) {
    const items = expectList(value, 'severities', problems);
    items.forEach((s, i) => {
      for (const k of Object.keys(s)) if (!SEVERITY_FIELDS.includes(k)) problems.push(`severities[${i}].${k}: unknown field`);
      if (typeof s.key !== 'string') problems.push(`severities[${i}].key: is required`);
    });
    checkUnique(items, 'key', 'severities', problems, (k) => k.toUpperCase());
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const key = String(item.key).toUpperCase();
      const current = (await r.incidents.findSeverity(key)) ?? DEFAULT_SEVERITIES.find((d) => d.key === key) ?? { ...DEFAULT_SEVERITIES[4]!, key };
      const next = { ...current, ...item, key } as Severity;
      validateSeverity(next);
      const existing = await r.incidents.findSeverity(key);
      if (existing && JSON.stringify(existing) === JSON.stringify(next)) {
        ctx.record({ key, action: 'unchanged' });
        continue;
      }
      await r.incidents.saveSeverity(next, ctx.now);
      ctx.record({ key, action: existing ? 'update' : 'create' });
    }
  },
  async export(r) {
    return r.incidents.listSeverities();
  },
};

const userRef = async (r: Parameters<ConfigSection['apply']>[0], ref: unknown, field: string): Promise<string | null> => {
  if (ref === null || ref === undefined) return null;
  const u = String(ref).includes('@') ? await r.users.findByEmail(String(ref).toLowerCase()) : await r.users.findById(String(ref));
  if (!u) throw invalid('unknown_user', `incidentSettings.${field}: no user "${String(ref)}".`);
  return u.id;
};

const SETTINGS_FIELDS = ['companyEmail', 'announcementsChannel', 'escalationContact', 'securityOwner', 'securityChannel', 'oncallUserGroup', 'triageGuidance'];

export const incidentSettingsSection: ConfigSection = {
  key: 'incidentSettings',
  order: 36,
  validate(value, problems) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push('incidentSettings: expected a mapping');
      return;
    }
    for (const k of Object.keys(value)) if (!SETTINGS_FIELDS.includes(k)) problems.push(`incidentSettings.${k}: unknown field`);
  },
  async apply(r, value, ctx) {
    const v = value as Record<string, unknown>;
    const patch: Partial<IncidentSettings> = {};
    for (const k of ['companyEmail', 'announcementsChannel', 'securityChannel', 'oncallUserGroup', 'triageGuidance'] as const)
      if (k in v) (patch as Record<string, unknown>)[k] = v[k] ?? null;
    if ('escalationContact' in v) patch.escalationContactUserId = await userRef(r, v.escalationContact, 'escalationContact');
    if ('securityOwner' in v) patch.securityOwnerUserId = await userRef(r, v.securityOwner, 'securityOwner');
    const current = await getIncidentSettings(r);
    const changed = Object.entries(patch).filter(([k, val]) => current[k as keyof IncidentSettings] !== val);
    if (changed.length === 0) return ctx.record({ key: 'incidentSettings', action: 'unchanged' });
    await setIncidentSettings(r, ctx.actor, patch);
    ctx.record({ key: 'incidentSettings', action: 'update', changes: Object.fromEntries(changed) });
  },
  async export(r) {
    const s = await getIncidentSettings(r);
    const email = async (id: string | null) => (id ? ((await r.users.findById(id))?.email ?? id) : null);
    return {
      companyEmail: s.companyEmail,
      announcementsChannel: s.announcementsChannel,
      escalationContact: await email(s.escalationContactUserId),
      securityOwner: await email(s.securityOwnerUserId),
      securityChannel: s.securityChannel,
      oncallUserGroup: s.oncallUserGroup,
      triageGuidance: s.triageGuidance,
    };
  },
};
