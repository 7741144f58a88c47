/**
 * Severity levels as data: the "Incident Severity Levels" document. Each level fixes the expected
 * acknowledgement and response times, how people are paged, the status-update cadence, whether the
 * company hears about it and whether a post-mortem is required (and emailed to the company).
 */
import { invalid } from '../shared/errors.js';
import type { Repos } from '../shared/ports.js';

export interface Severity {
  key: string;
  /** 0 is the most severe. */
  rank: number;
  name: string;
  definition: string;
  examples: string[];
  ackTargetMinutes: number;
  responseTargetMinutes: number;
  /** Urgency of the pages sent for incidents of this level. */
  urgency: 'high' | 'low';
  /** Escalation policy (slug or id) paged on declare, if any, besides the commander. */
  escalationPolicy: string | null;
  updateCadenceMinutes: number;
  companyComms: boolean;
  postmortemRequired: boolean;
  postmortemEmailed: boolean;
  /** Post-mortem due this many days after resolution. */
  postmortemDueDays: number;
  /** Slack user groups (S...) mentioned in announcements: leads, operators, PMs. */
  stakeholderGroups: string[];
  /** Create a Slack channel per incident of this level. */
  incidentChannel: boolean;
  /** When to escalate: to this level, or to whom (the escalation contact, leadership), in words. */
  whenToEscalate: string;
}

export const DEFAULT_SEVERITIES: Severity[] = [
  {
    key: 'P0',
    rank: 0,
    name: 'Critical',
    definition: 'The product is down or data is being lost or exposed for all or most customers.',
    examples: ['Site-wide outage', 'Data loss or corruption', 'Security breach in progress'],
    ackTargetMinutes: 5,
    responseTargetMinutes: 60,
    urgency: 'high',
    escalationPolicy: null,
    updateCadenceMinutes: 30,
    companyComms: true,
    postmortemRequired: true,
    postmortemEmailed: true,
    postmortemDueDays: 5,
    stakeholderGroups: [],
    incidentChannel: true,
    whenToEscalate: 'Declare P0 at once when everyone is affected or data is at risk; bring in the escalation contact and leadership immediately, without waiting for a diagnosis.',
  },
  {
    key: 'P1',
    rank: 1,
    name: 'Major',
    definition: 'A core feature is unavailable or badly degraded for many customers.',
    examples: ['Checkout failing for a region', 'Logins failing intermittently'],
    ackTargetMinutes: 10,
    responseTargetMinutes: 120,
    urgency: 'high',
    escalationPolicy: null,
    updateCadenceMinutes: 60,
    companyComms: true,
    postmortemRequired: true,
    postmortemEmailed: false,
    postmortemDueDays: 7,
    stakeholderGroups: [],
    incidentChannel: true,
    whenToEscalate: 'Escalate to P0 when the outage spreads to all customers or data is lost or exposed. Bring in the escalation contact if not mitigated within the response target.',
  },
  {
    key: 'P2',
    rank: 2,
    name: 'Significant',
    definition: 'A feature is degraded for some customers; a workaround may exist.',
    examples: ['Slow search', 'Emails delayed by an hour'],
    ackTargetMinutes: 15,
    responseTargetMinutes: 240,
    urgency: 'high',
    escalationPolicy: null,
    updateCadenceMinutes: 120,
    companyComms: true,
    postmortemRequired: false,
    postmortemEmailed: false,
    postmortemDueDays: 14,
    stakeholderGroups: [],
    incidentChannel: false,
    whenToEscalate: 'Escalate to P1 when a core feature fails for many customers or no workaround exists. Page the owning team’s secondary when not acknowledged within the target.',
  },
  {
    key: 'P3',
    rank: 3,
    name: 'Minor',
    definition: 'A minor feature is impaired or a few customers are affected.',
    examples: ['A report export fails for one customer', 'A non-critical job is behind'],
    ackTargetMinutes: 60,
    responseTargetMinutes: 1440,
    urgency: 'low',
    escalationPolicy: null,
    updateCadenceMinutes: 240,
    companyComms: true,
    postmortemRequired: false,
    postmortemEmailed: false,
    postmortemDueDays: 14,
    stakeholderGroups: [],
    incidentChannel: false,
    whenToEscalate: 'Escalate to P2 when more customers are affected or the impact grows; ask the service’s team for help if it is not understood within a working day.',
  },
  {
    key: 'P4',
    rank: 4,
    name: 'Low',
    definition: 'Cosmetic or internal-only issue with no customer impact.',
    examples: ['A typo on a settings page', 'An internal dashboard is stale'],
    ackTargetMinutes: 240,
    responseTargetMinutes: 4320,
    urgency: 'low',
    escalationPolicy: null,
    updateCadenceMinutes: 1440,
    companyComms: false,
    postmortemRequired: false,
    postmortemEmailed: false,
    postmortemDueDays: 30,
    stakeholderGroups: [],
    incidentChannel: false,
    whenToEscalate: 'Escalate to P3 as soon as any customer is affected.',
  },
];

/** One line, wherever alert priorities and incident severities show side by side. */
export const PRIORITIES_VS_SEVERITIES =
  'Alert priorities (P1-P5, P1 most urgent) say how urgently one alert needs a person; incident severities (P0-P4, P0 worst) say how bad the impact on customers is and set the response.';

export async function findSeverity(r: Repos, key: string): Promise<Severity> {
  const s = await r.incidents.findSeverity(key.toUpperCase());
  if (!s) {
    const known = (await r.incidents.listSeverities()).map((x) => x.key).join(', ');
    throw invalid('unknown_severity', `Unknown severity "${key}"; the levels are ${known}.`, { field: 'severity' });
  }
  return s;
}

export function validateSeverity(s: Severity): void {
  const bad = (field: string, message: string): never => {
    throw invalid('invalid_severity', `${s.key}: ${message}`, { field });
  };
  if (!/^[A-Z0-9-]{1,10}$/.test(s.key)) bad('key', 'key is up to 10 capital letters, digits or dashes (P0..P4).');
  if (!Number.isInteger(s.rank) || s.rank < 0 || s.rank > 20) bad('rank', 'rank is 0 (most severe) to 20.');
  for (const f of ['ackTargetMinutes', 'responseTargetMinutes', 'updateCadenceMinutes', 'postmortemDueDays'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) bad(f, `${f} must be a positive whole number.`);
  }
  if (typeof s.whenToEscalate !== 'string' || s.whenToEscalate.length > 2000) bad('whenToEscalate', 'whenToEscalate is text of at most 2000 characters.');
  for (const g of s.stakeholderGroups) if (!/^S[A-Z0-9]{2,20}$/.test(g)) bad('stakeholderGroups', `"${g}" is not a Slack user group id (S...).`);
}

/** The severity levels as Markdown, for a wiki. */
export function severitiesMarkdown(levels: Severity[]): string {
  const lines = ['# Incident severity levels', '', `> ${PRIORITIES_VS_SEVERITIES}`, ''];
  for (const s of [...levels].sort((a, b) => a.rank - b.rank)) {
    lines.push(`## ${s.key} — ${s.name}`, '', s.definition, '');
    if (s.examples.length) lines.push('Examples:', ...s.examples.map((e) => `- ${e}`), '');
    if (s.whenToEscalate) lines.push(`**When to escalate:** ${s.whenToEscalate}`, '');
    lines.push(
      `- Acknowledge within **${s.ackTargetMinutes} min**; respond (mitigate) within **${s.responseTargetMinutes} min**.`,
      `- Paging: ${s.urgency} urgency${s.escalationPolicy ? `, escalation policy ${s.escalationPolicy}` : ''}.`,
      `- Status updates every **${s.updateCadenceMinutes} min**.`,
      `- Company-wide communication: **${s.companyComms ? 'yes' : 'no'}**.`,
      `- Post-mortem: **${s.postmortemRequired ? `required within ${s.postmortemDueDays} days` : 'optional'}**${s.postmortemEmailed ? ', emailed to the company' : ''}.`,
      '',
    );
  }
  return lines.join('\n');
}
