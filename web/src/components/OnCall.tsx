/**
 * "Who is on call now / next" for one schedule, as used on Home, the schedules list and a schedule's
 * page. Times are in the schedule's zone; a gap (nobody on call) is a warning, never blank.
 */
import type { OnCallNow } from '../api.ts';
import { formatRelative } from '../format.ts';
import { Icon } from './Icon.tsx';
import { Avatar, Badge } from './ui.tsx';
import { When } from './When.tsx';

const nameOf = (p: { userId: string; user?: { name: string } | undefined }): string => p.user?.name ?? 'Unknown user';

export function OnCallNowList({ entry, meId, compact = false }: { entry: OnCallNow; meId?: string; compact?: boolean }) {
  const zone = entry.schedule.timeZone;
  if (entry.gap) {
    return (
      <div className="oncall-gap" role="status">
        <Icon name="warning" size={16} />
        <span>
          <strong>Nobody is on call</strong>
          {entry.next[0] ? (
            <span className="muted">
              {' '}
              · next on call {formatRelative(entry.next[0].start)}, <When start={entry.next[0].start} zone={zone} />
            </span>
          ) : (
            <span className="muted"> · nobody is scheduled in the next 30 days</span>
          )}
        </span>
      </div>
    );
  }
  return (
    <ul className={compact ? 'oncall-people compact' : 'oncall-people'}>
      {entry.onCall.map((p) => (
        <li key={p.userId}>
          <Avatar name={nameOf(p)} size={compact ? 24 : 30} />
          <span className="oncall-person">
            <span className="strong">{nameOf(p)}</span>
            {p.userId === meId ? <Badge tone="green">You</Badge> : null}
            {p.source === 'override' ? <Badge tone="purple">Override</Badge> : null}
            {p.layerName && entry.onCall.length > 1 ? <span className="muted small oncall-layer">from {p.layerName}</span> : null}
            <span className="muted small oncall-until">
              until <When start={p.until} zone={zone} />
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export function NextUp({ entry, meId }: { entry: OnCallNow; meId?: string }) {
  const zone = entry.schedule.timeZone;
  if (entry.next.length === 0) return <span className="muted small">Nobody scheduled in the next 30 days</span>;
  return (
    <span className="next-up small">
      {entry.next.map((n, i) => (
        <span key={n.userId}>
          {i > 0 ? ', ' : null}
          <span className="strong">{n.userId === meId ? 'You' : nameOf(n)}</span>
        </span>
      ))}{' '}
      <span className="muted">
        from <When start={entry.next[0]!.start} zone={zone} />
      </span>
    </span>
  );
}
