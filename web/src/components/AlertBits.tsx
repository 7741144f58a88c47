/**
 * Pieces shared by the alert list, the alert page and the page (notification) views: priority and
 * status badges, channel names, and the readable event timeline.
 */
import { useState, type ReactNode } from 'react';
import type { Alert, ContactType, NotReached, PageStatus, Priority, TimelineEvent } from '../api.ts';
import { formatDateTime, formatRelative } from '../format.ts';
import { Link } from '../router.tsx';
import { Icon, type IconName } from './Icon.tsx';
import { Badge } from './ui.tsx';

const PRIORITY_HELP: Record<Priority, string> = {
  P1: 'P1 — critical',
  P2: 'P2 — high',
  P3: 'P3 — moderate',
  P4: 'P4 — low',
  P5: 'P5 — informational',
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`prio prio-${priority}`} title={PRIORITY_HELP[priority]}>
      {priority}
    </span>
  );
}

export function AlertStatusBadge({ alert, now = Date.now() }: { alert: Pick<Alert, 'status' | 'snoozedUntil'>; now?: number }) {
  const snoozed = alert.status !== 'closed' && alert.snoozedUntil !== null && alert.snoozedUntil > now;
  return (
    <span className="badge-row">
      {alert.status === 'open' ? <Badge tone="red">Open</Badge> : null}
      {alert.status === 'acknowledged' ? <Badge tone="amber">Acknowledged</Badge> : null}
      {alert.status === 'closed' ? <Badge tone="green">Closed</Badge> : null}
      {snoozed ? (
        <span title={`Snoozed until ${formatDateTime(alert.snoozedUntil)}`}>
          <Badge tone="purple">Snoozed</Badge>
        </span>
      ) : null}
    </span>
  );
}

export function PageStatusBadge({ status }: { status: PageStatus }) {
  if (status === 'active') return <Badge tone="red">Paging</Badge>;
  if (status === 'acknowledged') return <Badge tone="green">Acknowledged</Badge>;
  if (status === 'cancelled') return <Badge tone="neutral">Cancelled</Badge>;
  return <Badge tone="amber">Nobody reached</Badge>;
}

export const CHANNEL_LABEL: Record<string, string> = {
  slack_dm: 'Slack DM',
  slack_channel: 'Slack channel',
  email: 'Email',
  sms: 'SMS',
  voice: 'Voice call',
  webhook: 'Webhook',
};

export const CONTACT_ICON: Record<ContactType, IconName> = {
  slack_dm: 'message',
  email: 'mail',
  sms: 'phone',
  voice: 'phone',
  webhook: 'link',
};

export const channelLabel = (c: unknown): string => (typeof c === 'string' ? (CHANNEL_LABEL[c] ?? c) : 'Message');

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface Described {
  icon: IconName;
  /** What happened, after the actor's name. */
  text: ReactNode;
  tone?: 'warning' | 'danger' | 'success' | 'note' | 'raised';
  /** A quoted note or message body under the line. */
  quote?: string;
  /** Extra lines (warnings) under it. */
  extra?: string[];
  /** The event is the system's doing; do not name an actor. */
  impersonal?: boolean;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Turns an alert or page event into a readable line. */
export function describeEvent(e: TimelineEvent, nameOf: (id: string | null | undefined) => string): Described {
  const d = e.data;
  const note = str(d.note);
  switch (e.type) {
    case 'alert.created': {
      const via = str(d.integration) ? ` from ${str(d.integration)}${str(d.integrationType) ? ` (${str(d.integrationType)})` : ''}` : '';
      return { icon: 'bell', text: `Alert created${via} · ${str(d.priority)}, ${str(d.urgency)} urgency`, tone: 'raised', impersonal: true };
    }
    case 'alert.deduplicated':
      return { icon: 'bell', text: `Received again${str(d.integration) ? ` from ${str(d.integration)}` : ''} — now ×${str(d.count)}`, impersonal: true };
    case 'alert.escalated': {
      const users = strs(d.users).map((u) => nameOf(u));
      const channels = strs(d.channels);
      const who = [users.length ? `paged ${joinNames(users)}` : '', channels.length ? `posted to ${channels.map((c) => `#${c}`).join(', ')}` : ''].filter(Boolean).join(' and ');
      const round = Number(d.round) > 1 ? `, round ${str(d.round)}` : '';
      const warnings = strs(d.warnings);
      return {
        icon: 'arrowUp',
        text: (
          <>
            <span className="strong">Escalation step {str(d.step)}</span>
            {round}
            {str(d.policy) ? ` of ${str(d.policy)}` : ''}: {who || 'notified nobody'}
          </>
        ),
        tone: who ? undefined : 'warning',
        ...(warnings.length ? { extra: warnings } : {}),
        impersonal: true,
      };
    }
    case 'alert.escalate_requested':
      return { icon: 'arrowUp', text: `asked to escalate to step ${str(d.toStep)} now` };
    case 'alert.escalation_ended':
      return { icon: 'clock', text: 'Every escalation step has run; the alert stays open until someone acknowledges or closes it.', impersonal: true, tone: 'warning' };
    case 'alert.warning':
    case 'page.warning':
      return { icon: 'warning', text: str(d.warning) || 'Warning', tone: 'warning', impersonal: true };
    case 'alert.acknowledged':
      return { icon: 'check', text: 'acknowledged the alert', tone: 'success', ...(note ? { quote: note } : {}) };
    case 'alert.closed':
      return { icon: 'check', text: 'closed the alert', tone: 'success', ...(note ? { quote: note } : {}) };
    case 'alert.note':
      return { icon: 'message', text: str(d.user) ? `added a note (as ${str(d.user)})` : 'added a note', tone: 'note', quote: note };
    case 'alert.snoozed':
      return { icon: 'pause', text: `snoozed the alert until ${formatDateTime(Number(d.until))}` };
    case 'alert.snooze_ended':
      return { icon: 'clock', text: 'Snooze ended; escalation starts again if the alert is still open.', impersonal: true };
    case 'alert.assigned':
      return { icon: 'users', text: `assigned the alert to ${str(d.owner) || nameOf(str(d.ownerId))}` };
    case 'alert.responder_added':
      return { icon: 'userPlus', text: `added ${str(d.name) || nameOf(str(d.userId))} as a responder (paged)` };
    case 'alert.updated': {
      const parts: string[] = [];
      if (strs(d.addTags).length) parts.push(`added tags ${strs(d.addTags).join(', ')}`);
      if (strs(d.removeTags).length) parts.push(`removed tags ${strs(d.removeTags).join(', ')}`);
      if (d.addDetails && typeof d.addDetails === 'object') parts.push(`set ${Object.keys(d.addDetails).join(', ')}`);
      if (strs(d.removeDetails).length) parts.push(`removed ${strs(d.removeDetails).join(', ')}`);
      return { icon: 'tag', text: parts.join('; ') || 'updated tags and details' };
    }
    case 'alert.linked_to_incident':
      return {
        icon: 'flame',
        text: (
          <>
            linked the alert to <Link to={`/incidents/${encodeURIComponent(str(d.incidentId))}`}>INC-{str(d.number)}</Link>
          </>
        ),
        tone: 'raised',
      };
    case 'alert.maintenance':
      return { icon: 'wrench', text: note || 'Recorded during a maintenance window: nobody is paged.', impersonal: true, tone: 'warning' };
    case 'alert.storm':
      return { icon: 'warning', text: note || 'Part of an alert storm.', impersonal: true, tone: 'warning' };
    case 'notification.sent':
      return {
        icon: 'send',
        text: `${channelLabel(d.channel)} sent to ${str(d.address)}${Number(d.bundled) > 1 ? ` (bundled with ${Number(d.bundled) - 1} more)` : ''}`,
        impersonal: true,
      };
    case 'notification.retrying':
      return { icon: 'clock', text: `${channelLabel(d.channel)} to ${str(d.address)} failed (attempt ${str(d.attempt)}), retrying`, quote: str(d.error), tone: 'warning', impersonal: true };
    case 'notification.failed':
      return { icon: 'warning', text: `${channelLabel(d.channel)} to ${str(d.address)} failed`, quote: str(d.error), tone: 'danger', impersonal: true };
    case 'page.created':
      return { icon: 'bell', text: `Page created (${str(d.urgency)} urgency) for ${nameOf(str(d.userId))}`, impersonal: true };
    case 'page.notified':
      return { icon: 'send', text: `Notifying by ${channelLabel(d.channel)} at ${str(d.address)}`, impersonal: true };
    case 'page.quiet_hours':
      return { icon: 'moon', text: `Held by quiet hours until ${formatDateTime(Number(d.heldUntil))}`, impersonal: true };
    case 'page.step_skipped':
      return { icon: 'warning', text: `Skipped a rule: ${str(d.reason)}`, tone: 'warning', impersonal: true };
    case 'page.failover':
      return { icon: 'arrowDown', text: `A message failed; trying ${channelLabel(d.channel)} now`, tone: 'warning', impersonal: true };
    case 'alert.not_reached':
    case 'incident.not_reached':
      return {
        icon: 'warning',
        text: (
          <>
            <span className="strong">Not reached: {str(d.name) || nameOf(str(d.userId))}</span> ({str(d.detail)})
            {Number(d.escalatedToStep) > 0 ? ` — escalated to step ${str(d.escalatedToStep)} at once` : ''}
            {str(d.alertId) ? (
              <>
                {' '}
                on <Link to={`/alerts/${encodeURIComponent(str(d.alertId))}`}>alert #{str(d.alertNumber)}</Link>
              </>
            ) : null}
          </>
        ),
        tone: 'danger',
        impersonal: true,
      };
    case 'page.exhausted':
      return { icon: 'warning', text: note || 'Every contact method failed.', tone: 'danger', impersonal: true };
    case 'page.acknowledged':
      return { icon: 'check', text: `acknowledged the page${str(d.via) ? ` (via ${str(d.via)})` : ''}`, tone: 'success' };
    case 'page.cancelled':
      return { icon: 'x', text: `Page cancelled: ${str(d.reason)}`, impersonal: true };
    default:
      return { icon: 'clock', text: e.type.replace(/[._]/g, ' ') };
  }
}

export function actorName(e: TimelineEvent, nameOf: (id: string | null | undefined) => string): string {
  if (e.actor.type === 'user') return nameOf(e.actor.id);
  if (e.actor.type === 'integration') return 'Integration';
  if (e.actor.type === 'system') return 'Vigil';
  return e.actor.type;
}

/** A list of events, newest first, with an optional filter for delivery noise. `describe` reads other domains' events. */
export function EventTimeline({
  events,
  nameOf,
  label,
  order = 'newest',
  initial = 50,
  describe = describeEvent,
  showDeliveries = true,
}: {
  events: TimelineEvent[];
  nameOf: (id: string | null | undefined) => string;
  label: string;
  order?: 'newest' | 'oldest';
  initial?: number;
  /** Turns an event into a line; alert and page events by default. */
  describe?: (e: TimelineEvent, nameOf: (id: string | null | undefined) => string) => Described;
  /** Whether each notification sent is listed at first (the reader can switch). */
  showDeliveries?: boolean;
}) {
  const [shown, setShown] = useState(initial);
  const [deliveries, setDeliveries] = useState(showDeliveries);
  const hasDeliveries = events.some((e) => e.type.startsWith('notification.'));
  const list = events
    .filter((e) => deliveries || !e.type.startsWith('notification.'))
    .sort((a, b) => (order === 'newest' ? b.at - a.at || b.id.localeCompare(a.id) : a.at - b.at || a.id.localeCompare(b.id)));
  if (events.length === 0) return <p className="muted small empty-line">Nothing has happened yet.</p>;
  return (
    <>
      {hasDeliveries ? (
        <label className="checkbox small activity-filter">
          <input type="checkbox" checked={deliveries} onChange={(e) => setDeliveries(e.target.checked)} />
          <span>Show each notification sent</span>
        </label>
      ) : null}
      <ol className="events" aria-label={label}>
        {list.slice(0, shown).map((e) => {
          const d = describe(e, nameOf);
          return (
            <li key={e.id} className={`event${d.tone ? ` is-${d.tone}` : ''}`}>
              <span className="event-icon">
                <Icon name={d.icon} size={14} />
              </span>
              <div className="event-body">
                <div className="event-line">
                  {d.impersonal ? null : <span className="strong">{actorName(e, nameOf)} </span>}
                  {d.text}
                  <time className="event-time" dateTime={new Date(e.at).toISOString()} title={formatDateTime(e.at)}>
                    {formatRelative(e.at)}
                  </time>
                </div>
                {d.quote ? <blockquote className="event-quote">{d.quote}</blockquote> : null}
                {d.extra?.length ? (
                  <ul className="event-extra">
                    {d.extra.map((x) => (
                      <li key={x}>{x}</li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {list.length > shown ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setShown((n) => n + 100)}>
          Show more ({list.length - shown})
        </button>
      ) : null}
    </>
  );
}

/** A link to an alert, by number. */
export function AlertLink({ alert, children }: { alert: Pick<Alert, 'id' | 'number'>; children?: ReactNode }) {
  return <Link to={`/alerts/${encodeURIComponent(alert.id)}`}>{children ?? `#${alert.number}`}</Link>;
}

/** Who a page did not reach, at the top of an alert or an incident: loud, with the reason. */
export function NotReachedBanner({ people }: { people: NotReached[] | undefined }) {
  if (!people?.length) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="not-reached">
      <Icon name="warning" />
      <div>
        <strong>{people.length === 1 ? 'A page reached nobody.' : `${people.length} pages reached nobody.`}</strong>
        <ul className="not-reached">
          {people.map((n) => (
            <li key={n.pageId}>
              Not reached: <strong>{n.name}</strong> ({n.detail}) · {formatDateTime(n.at)}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
