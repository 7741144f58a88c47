/**
 * Post-mortem pieces: the status badge, section titles and prompts, and the activity in words.
 */
import type { PostmortemStatus, SectionKey, TimelineEvent } from '../api.ts';
import { formatDate } from '../format.ts';
import type { Described } from './AlertBits.tsx';
import { Badge } from './ui.tsx';

export const PM_STATUS_LABEL: Record<PostmortemStatus, string> = { draft: 'Draft', in_review: 'In review', published: 'Published' };

export function PostmortemStatusBadge({ status }: { status: PostmortemStatus }) {
  return <Badge tone={status === 'published' ? 'green' : status === 'in_review' ? 'blue' : 'amber'}>{PM_STATUS_LABEL[status] ?? status}</Badge>;
}

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  impact: 'Impact',
  timeline: 'Timeline',
  rootCause: 'Root cause',
  contributingFactors: 'Contributing factors',
  wentWell: 'What went well',
  wentBadly: 'What went badly',
};

export const SECTION_PROMPTS: Record<SectionKey, string> = {
  summary: 'What happened, in two or three sentences.',
  impact: 'Who was affected, for how long, and how much (requests failed, revenue, support tickets).',
  timeline: 'Filled from the incident’s timeline. Correct it and add what happened before the incident was declared.',
  rootCause: 'The underlying cause, not the trigger. Blameless: systems and decisions, not people.',
  contributingFactors: 'The steps that led there, one per line, and why each was possible.',
  wentWell: 'What helped: alerts that fired, runbooks that worked, people who showed up.',
  wentBadly: 'What slowed us down or made it worse.',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Post-mortem activity as sentences; `itemTitle` names an action item by id. */
export function postmortemEventDescriber(itemTitle: (id: string) => string) {
  return (e: TimelineEvent, nameOf: (id: string | null | undefined) => string): Described => {
    const d = e.data;
    const item = (): string => str(d.title) || itemTitle(str(d.actionItemId)) || 'an action item';
    switch (e.type) {
      case 'postmortem.created':
        return { icon: 'book', text: 'Draft created from the incident.', impersonal: e.actor.type !== 'user' };
      case 'postmortem.edited': {
        const sections = Array.isArray(d.sections) ? (d.sections as string[]) : [];
        const names = sections.map((k) => SECTION_TITLES[k as SectionKey] ?? k);
        return {
          icon: 'edit',
          text: names.length ? `edited ${names.join(', ')}` : d.ownerId ? `made ${nameOf(str(d.ownerId))} the owner` : 'edited the details',
        };
      }
      case 'postmortem.in_review':
        return { icon: 'send', text: 'sent it for review' };
      case 'postmortem.draft':
        return { icon: 'edit', text: 'moved it back to draft' };
      case 'postmortem.published':
        return { icon: 'check', text: 'published it', tone: 'success' };
      case 'postmortem.emailed':
        return { icon: 'mail', text: `Emailed to ${str(d.to)}.`, impersonal: true };
      case 'postmortem.overdue':
        return { icon: 'clock', text: `Overdue: reminded ${nameOf(str(d.ownerId))}.`, tone: 'warning', impersonal: true };
      case 'action_item.added':
        return { icon: 'plus', text: `added the action item “${item()}” for ${nameOf(str(d.ownerId))}` };
      case 'action_item.updated': {
        const parts: string[] = [];
        if (d.status === 'done') parts.push('marked it done');
        if (d.status === 'open') parts.push('reopened it');
        if (d.title) parts.push('renamed it');
        if (d.dueAt !== undefined) parts.push(d.dueAt ? `set the due date to ${formatDate(Number(d.dueAt))}` : 'removed the due date');
        if (d.createTicket) parts.push('asked for a Jira ticket');
        return {
          icon: d.status === 'done' ? 'check' : 'edit',
          text: `updated “${item()}”: ${parts.join(', ') || 'changed it'}`,
          tone: d.status === 'done' ? 'success' : undefined,
        };
      }
      case 'action_item.ticket_created':
        return { icon: 'link', text: `Jira ticket ${str(d.key)} created for “${item()}”.`, impersonal: true };
      case 'action_item.ticket_failed':
        return { icon: 'warning', text: `No Jira ticket for “${item()}”: ${str(d.error)}`, tone: 'warning', impersonal: true };
      case 'action_item.done_in_jira':
        return { icon: 'check', text: `“${item()}” is done in Jira (${str(d.key)}).`, tone: 'success', impersonal: true };
      case 'action_item.overdue':
        return { icon: 'clock', text: `“${item()}” is overdue.`, tone: 'warning', impersonal: true };
      default:
        return { icon: 'clock', text: e.type.replace(/[._]/g, ' ') };
    }
  };
}
