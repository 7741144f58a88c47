/**
 * "Who is on call" — shown on Home. A placeholder until schedules exist: the schedules work
 * replaces the empty state with the people on call now (and next) per schedule.
 */
import { Link } from '../router.tsx';
import { EmptyState, Panel } from './ui.tsx';

export function OnCallPanel() {
  return (
    <Panel title="Who is on call" className="oncall-panel">
      <EmptyState icon="calendar" title="No on-call schedules yet">
        Once your teams have schedules, the people on call right now — and who is next — show up here. <Link to="/schedules">Go to Schedules</Link>
      </EmptyState>
    </Panel>
  );
}
