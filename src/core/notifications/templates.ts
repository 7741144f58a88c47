/**
 * Message templates per event type. Admins override them (PUT /api/v1/message-templates/:type);
 * `{{name}}` placeholders are filled from the event's fields. A missing field renders empty.
 */
import type { Repos } from '../shared/ports.js';

export interface Template {
  subject: string;
  body: string;
}

export const DEFAULT_TEMPLATES: Record<string, Template> = {
  'schedule.handoff': { subject: 'On-call hand-off: {{scheduleName}}', body: '{{to}} {{toVerb}} now on call for {{scheduleName}} (taking over from {{from}}).' },
  'shift.reminder': { subject: 'Your on-call shift starts {{startsIn}}', body: 'You are on call for {{scheduleName}} from {{startLocal}} to {{endLocal}}.{{readiness}}' },
  'swap.requested': { subject: '{{requester}} offers an on-call shift', body: '{{requester}} asks someone to take {{scheduleName}} from {{startLocal}} to {{endLocal}}. {{note}}\nTake it: {{url}}' },
  'swap.accepted': { subject: '{{taker}} took your on-call shift', body: '{{taker}} is now on call for {{scheduleName}} from {{startLocal}} to {{endLocal}} in your place.' },
  'contact.verification': { subject: 'Your Vigil verification code', body: 'Your Vigil verification code is {{code}}. It expires in 15 minutes.{{link}}' },
};

export function fill(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (_, k: string) => {
    const v = values[k];
    return v === undefined || v === null ? '' : String(v);
  });
}

export async function render(r: Repos, eventType: string, values: Record<string, unknown>): Promise<Template> {
  const t = (await r.notifications.getTemplate(eventType)) ?? DEFAULT_TEMPLATES[eventType] ?? { subject: eventType, body: JSON.stringify(values) };
  return { subject: fill(t.subject, values), body: fill(t.body, values) };
}

/** "Mon 4 Jan 10:00 EST" in a zone, for people. */
export function formatLocal(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(ms));
}
