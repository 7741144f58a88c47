/**
 * Rotation layer editor: who takes turns, how long a shift lasts, when hand-offs happen, from when,
 * and (optionally) which hours the layer covers. Used by the new-schedule and edit-schedule forms.
 *
 * Layers are kept as drafts (strings, as typed) and turned into API layers by `layersFromDrafts`,
 * which also reports what is missing in plain words.
 */
import type { IsoWeekday, Layer, LayerInput, Restriction, ShiftUnit, User } from '../api.ts';
import { zoneName } from '../time.ts';
import { Field, FieldGroup } from './Field.tsx';
import { Icon } from './Icon.tsx';
import { Avatar, Badge } from './ui.tsx';

export const WEEKDAYS: Array<{ value: IsoWeekday; name: string; short: string }> = [
  { value: 1, name: 'Monday', short: 'Mon' },
  { value: 2, name: 'Tuesday', short: 'Tue' },
  { value: 3, name: 'Wednesday', short: 'Wed' },
  { value: 4, name: 'Thursday', short: 'Thu' },
  { value: 5, name: 'Friday', short: 'Fri' },
  { value: 6, name: 'Saturday', short: 'Sat' },
  { value: 7, name: 'Sunday', short: 'Sun' },
];

const weekdayName = (d: number): string => WEEKDAYS[d - 1]?.name ?? `day ${d}`;
const weekdayShort = (d: number): string => WEEKDAYS[d - 1]?.short ?? `day ${d}`;

export type Coverage = 'always' | 'business' | 'custom';

export interface WindowDraft {
  key: string;
  type: 'time_of_day' | 'weekly';
  startWeekday: IsoWeekday;
  startTime: string;
  endWeekday: IsoWeekday;
  endTime: string;
}

export interface LayerDraft {
  key: string;
  id?: string;
  name: string;
  participants: string[];
  unit: ShiftUnit;
  length: string;
  handoffTime: string;
  /** '' = the weekday of the start date. */
  handoffWeekday: string;
  /** 'now': the first shift starts when the schedule is saved (no gap until the first hand-off). */
  startMode: 'now' | 'date';
  startDate: string;
  endDate: string;
  coverage: Coverage;
  windows: WindowDraft[];
  /** 'override' (default) or 'combine'. */
  mode: 'override' | 'combine';
}

let seq = 0;
const newKey = (): string => `k${++seq}`;

/** Monday to Friday, 09:00–17:00: five weekly windows. */
export const BUSINESS_HOURS: Restriction[] = [1, 2, 3, 4, 5].map((d) => ({
  type: 'weekly',
  startWeekday: d as IsoWeekday,
  startTime: '09:00',
  endWeekday: d as IsoWeekday,
  endTime: '17:00',
}));

const restrictionKey = (r: Restriction): string =>
  r.type === 'time_of_day' ? `d:${r.start}-${r.end}` : `w:${r.startWeekday}${r.startTime}-${r.endWeekday}${r.endTime}`;

function isBusinessHours(rs: Restriction[]): boolean {
  const a = rs.map(restrictionKey).sort().join('|');
  return a === BUSINESS_HOURS.map(restrictionKey).sort().join('|');
}

export function newLayerDraft(index: number, startDate: string): LayerDraft {
  return {
    key: newKey(),
    name: index === 0 ? 'Primary' : `Layer ${index + 1}`,
    participants: [],
    unit: 'week',
    length: '1',
    handoffTime: '09:00',
    handoffWeekday: '1',
    startMode: 'now',
    startDate,
    endDate: '',
    coverage: 'always',
    windows: [],
    mode: 'override',
  };
}

function windowDraft(r?: Restriction): WindowDraft {
  if (!r) return { key: newKey(), type: 'time_of_day', startWeekday: 1, startTime: '09:00', endWeekday: 1, endTime: '17:00' };
  if (r.type === 'time_of_day') return { key: newKey(), type: 'time_of_day', startWeekday: 1, startTime: r.start, endWeekday: 1, endTime: r.end };
  return { key: newKey(), type: 'weekly', startWeekday: r.startWeekday, startTime: r.startTime, endWeekday: r.endWeekday, endTime: r.endTime };
}

export function draftFromLayer(l: Layer): LayerDraft {
  const rs = l.restrictions ?? [];
  const coverage: Coverage = rs.length === 0 ? 'always' : isBusinessHours(rs) ? 'business' : 'custom';
  return {
    key: newKey(),
    id: l.id,
    name: l.name,
    participants: [...l.participants],
    unit: l.shift.unit,
    length: String(l.shift.length),
    handoffTime: l.handoffTime,
    handoffWeekday: l.handoffWeekday ? String(l.handoffWeekday) : '',
    startMode: 'date',
    startDate: l.startDate,
    endDate: l.endDate ?? '',
    coverage,
    windows: coverage === 'custom' ? rs.map(windowDraft) : [],
    mode: l.mode === 'combine' ? 'combine' : 'override',
  };
}

function restrictionsOf(d: LayerDraft): Restriction[] {
  if (d.coverage === 'business') return BUSINESS_HOURS;
  if (d.coverage === 'custom') {
    return d.windows.map((w) =>
      w.type === 'time_of_day'
        ? { type: 'time_of_day', start: w.startTime, end: w.endTime }
        : { type: 'weekly', startWeekday: w.startWeekday, startTime: w.startTime, endWeekday: w.endWeekday, endTime: w.endTime },
    );
  }
  return [];
}

/** API layers from drafts, or the first problem found (in words a person can act on). */
export function layersFromDrafts(drafts: LayerDraft[]): { layers: LayerInput[] } | { problem: string } {
  const layers: LayerInput[] = [];
  for (const [i, d] of drafts.entries()) {
    const label = d.name.trim() || `Layer ${i + 1}`;
    if (d.participants.length === 0) return { problem: `${label}: add at least one person to the rotation.` };
    const length = Number(d.length);
    if (!Number.isInteger(length) || length < 1) return { problem: `${label}: the shift length must be a whole number of at least 1.` };
    if (!/^\d{2}:\d{2}$/.test(d.handoffTime)) return { problem: `${label}: choose a hand-off time.` };
    const startsNow = d.startMode === 'now';
    if (!startsNow && !/^\d{4}-\d{2}-\d{2}$/.test(d.startDate)) return { problem: `${label}: choose the date the rotation starts.` };
    if (d.endDate && !startsNow && d.endDate <= d.startDate) return { problem: `${label}: the end date must be after the start date.` };
    if (d.coverage === 'custom' && d.windows.length === 0) return { problem: `${label}: add at least one on-call window, or choose “Around the clock”.` };
    const restrictions = restrictionsOf(d);
    const layer: LayerInput = {
      name: label,
      participants: d.participants,
      shift: { unit: d.unit, length },
      handoffTime: d.handoffTime,
      ...(startsNow ? {} : { startDate: d.startDate }),
      endDate: d.endDate || null,
      restrictions: restrictions.length ? restrictions : null,
    };
    if (d.mode === 'combine') layer.mode = 'combine';
    if (d.id) layer.id = d.id;
    if (d.unit === 'week' && d.handoffWeekday) layer.handoffWeekday = Number(d.handoffWeekday) as IsoWeekday;
    layers.push(layer);
  }
  return { layers };
}

function describeWindow(r: Restriction): string {
  if (r.type === 'time_of_day') return `every day ${r.start}–${r.end}`;
  if (r.startWeekday === r.endWeekday && r.endTime > r.startTime) return `${weekdayShort(r.startWeekday)} ${r.startTime}–${r.endTime}`;
  return `${weekdayShort(r.startWeekday)} ${r.startTime} – ${weekdayShort(r.endWeekday)} ${r.endTime}`;
}

/** One sentence a person can check at a glance. */
export function describeLayer(d: LayerDraft, users: Map<string, User>, zone: string): string {
  const names = d.participants.map((id) => users.get(id)?.name ?? 'Unknown user');
  const who = names.length === 0 ? 'Nobody yet' : names.length === 1 ? `${names[0]} is on call` : `${names.join(' → ')} take turns`;
  const n = Number(d.length) || 1;
  const unit = `${n} ${d.unit}${n === 1 ? '' : 's'}`;
  let when = `hand-off at ${d.handoffTime || '—'}`;
  if (d.unit === 'week')
    when = `hand-off on ${d.handoffWeekday ? `${weekdayName(Number(d.handoffWeekday))}s` : 'the start date’s weekday'} at ${d.handoffTime || '—'}`;
  else if (d.unit === 'day' && n === 1) when = `hand-off daily at ${d.handoffTime || '—'}`;
  const rs = restrictionsOf(d);
  const coverage = d.coverage === 'business' ? ' Only Monday–Friday 09:00–17:00.' : rs.length ? ` Only ${rs.map(describeWindow).join(', ')}.` : '';
  const from = d.startMode === 'now' ? ', starting now' : d.startDate ? `, from ${d.startDate}` : '';
  const until = d.endDate ? ` until ${d.endDate}` : '';
  return `${who}, ${unit} each; ${when} (${zoneName(zone)})${from}${until}.${coverage}`;
}

// ---------------------------------------------------------------------------------------------

export function LayerEditor({
  layers,
  onChange,
  users,
  zone,
  preferredUserIds = [],
  defaultStartDate,
}: {
  layers: LayerDraft[];
  onChange: (layers: LayerDraft[]) => void;
  users: User[];
  zone: string;
  /** Shown first in the people picker (the team's members). */
  preferredUserIds?: string[];
  defaultStartDate: string;
}) {
  const byId = new Map(users.map((u) => [u.id, u]));
  const update = (key: string, patch: Partial<LayerDraft>): void => onChange(layers.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const move = (i: number, by: -1 | 1): void => {
    const next = [...layers];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    onChange(next);
  };

  return (
    <div className="layer-editor">
      <p className="field-hint layer-editor-intro">
        Each layer is a rotation. Where layers overlap, the one lower in this list wins; times are in <strong>{zoneName(zone)}</strong>.
      </p>
      {layers.map((l, i) => (
        <LayerCard
          key={l.key}
          index={i}
          count={layers.length}
          draft={l}
          users={users}
          byId={byId}
          zone={zone}
          preferredUserIds={preferredUserIds}
          onChange={(patch) => update(l.key, patch)}
          onMove={(by) => move(i, by)}
          onRemove={() => onChange(layers.filter((x) => x.key !== l.key))}
        />
      ))}
      <button type="button" className="btn btn-secondary" onClick={() => onChange([...layers, newLayerDraft(layers.length, defaultStartDate)])}>
        <Icon name="plus" size={16} /> Add layer
      </button>
    </div>
  );
}

function LayerCard({
  index,
  count,
  draft: d,
  users,
  byId,
  zone,
  preferredUserIds,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  draft: LayerDraft;
  users: User[];
  byId: Map<string, User>;
  zone: string;
  preferredUserIds: string[];
  onChange: (patch: Partial<LayerDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const legend = `Layer ${index + 1}`;
  const available = users.filter((u) => u.active && !d.participants.includes(u.id)).sort((a, b) => a.name.localeCompare(b.name));
  const preferred = available.filter((u) => preferredUserIds.includes(u.id));
  const others = available.filter((u) => !preferredUserIds.includes(u.id));
  const duplicateNames = new Set(users.map((u) => u.name).filter((n, i, all) => all.indexOf(n) !== i));
  const optionLabel = (u: User): string => (duplicateNames.has(u.name) ? `${u.name} (${u.email})` : u.name);

  const moveParticipant = (i: number, by: -1 | 1): void => {
    const next = [...d.participants];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    onChange({ participants: next });
  };

  return (
    <fieldset className="layer-card">
      <legend className="layer-legend">{legend}</legend>
      <div className="layer-card-head">
        <Field label="Layer name">{(p) => <input {...p} value={d.name} onChange={(e) => onChange({ name: e.target.value })} maxLength={100} />}</Field>
        <Field label="With the layers below" hint="Replace: this layer's person takes over where it has coverage. Add: on call together with them (like OpsGenie rotations).">
          {(p) => (
            <select {...p} value={d.mode} onChange={(e) => onChange({ mode: e.target.value === 'combine' ? 'combine' : 'override' })}>
              <option value="override">Replace them</option>
              <option value="combine">Add to them (both on call)</option>
            </select>
          )}
        </Field>
        <div className="layer-card-tools">
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${legend} up`}
            title="Move up (lower precedence)"
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            <Icon name="arrowUp" size={16} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${legend} down`}
            title="Move down (higher precedence)"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          >
            <Icon name="arrowDown" size={16} />
          </button>
          <button type="button" className="icon-button danger" aria-label={`Remove ${legend}`} title="Remove layer" onClick={onRemove}>
            <Icon name="trash" size={16} />
          </button>
        </div>
      </div>

      <FieldGroup legend="People, in rotation order" hint={d.participants.length === 0 ? 'Add the people who take turns.' : undefined}>
        {d.participants.length > 0 ? (
          <ol className="participant-list">
            {d.participants.map((id, i) => {
              const u = byId.get(id);
              const name = u?.name ?? 'Unknown user';
              return (
                <li key={id} className="participant">
                  <span className="participant-order">{i + 1}</span>
                  <Avatar name={name} size={24} />
                  <span className="participant-name">
                    {name} {u && !u.active ? <Badge tone="amber">Deactivated</Badge> : null}
                  </span>
                  <span className="participant-tools">
                    <button
                      type="button"
                      className="icon-button sm"
                      aria-label={`Move ${name} earlier`}
                      disabled={i === 0}
                      onClick={() => moveParticipant(i, -1)}
                    >
                      <Icon name="arrowUp" size={14} />
                    </button>
                    <button
                      type="button"
                      className="icon-button sm"
                      aria-label={`Move ${name} later`}
                      disabled={i === d.participants.length - 1}
                      onClick={() => moveParticipant(i, 1)}
                    >
                      <Icon name="arrowDown" size={14} />
                    </button>
                    <button
                      type="button"
                      className="icon-button sm danger"
                      aria-label={`Remove ${name}`}
                      onClick={() => onChange({ participants: d.participants.filter((x) => x !== id) })}
                    >
                      <Icon name="x" size={14} />
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
        ) : null}
        <select
          aria-label="Add person"
          className="participant-add"
          value=""
          onChange={(e) => {
            if (e.target.value) onChange({ participants: [...d.participants, e.target.value] });
          }}
        >
          <option value="">{available.length ? '+ Add a person…' : 'Everyone is in this rotation'}</option>
          {preferred.length ? (
            <optgroup label="Team members">
              {preferred.map((u) => (
                <option key={u.id} value={u.id}>
                  {optionLabel(u)}
                </option>
              ))}
            </optgroup>
          ) : null}
          {others.length ? (
            <optgroup label={preferred.length ? 'Everyone else' : 'People'}>
              {others.map((u) => (
                <option key={u.id} value={u.id}>
                  {optionLabel(u)}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </FieldGroup>

      <div className="form-grid form-grid-3">
        <div className="field">
          <span className="field-label" aria-hidden="true">
            Shift length
          </span>
          <div className="input-pair">
            <input type="number" aria-label="Shift length" min={1} max={1000} value={d.length} onChange={(e) => onChange({ length: e.target.value })} />
            <select aria-label="Shift unit" value={d.unit} onChange={(e) => onChange({ unit: e.target.value as ShiftUnit })}>
              <option value="hour">{Number(d.length) === 1 ? 'hour' : 'hours'}</option>
              <option value="day">{Number(d.length) === 1 ? 'day' : 'days'}</option>
              <option value="week">{Number(d.length) === 1 ? 'week' : 'weeks'}</option>
            </select>
          </div>
        </div>
        <Field label="Hand-off time" hint={zoneName(zone)}>
          {(p) => <input {...p} type="time" value={d.handoffTime} onChange={(e) => onChange({ handoffTime: e.target.value })} required />}
        </Field>
        {d.unit === 'week' ? (
          <Field label="Hand-off day">
            {(p) => (
              <select {...p} value={d.handoffWeekday} onChange={(e) => onChange({ handoffWeekday: e.target.value })}>
                <option value="">Weekday of the start date</option>
                {WEEKDAYS.map((w) => (
                  <option key={w.value} value={String(w.value)}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <div />
        )}
      </div>
      <div className="form-grid form-grid-3">
        <Field label="Starts" hint={d.startMode === 'now' ? 'The first person is on call as soon as you save, until the first hand-off.' : undefined}>
          {(p) => (
            <select {...p} value={d.startMode} onChange={(e) => onChange({ startMode: e.target.value as LayerDraft['startMode'] })}>
              <option value="now">Now</option>
              <option value="date">On a date</option>
            </select>
          )}
        </Field>
        {d.startMode === 'date' ? (
          <Field label="Starts on" hint={d.unit === 'week' && d.handoffWeekday ? 'The first shift begins on the first hand-off day from here.' : undefined}>
            {(p) => <input {...p} type="date" value={d.startDate} onChange={(e) => onChange({ startDate: e.target.value })} required />}
          </Field>
        ) : null}
        <Field label="Ends on" hint="Optional.">
          {(p) => <input {...p} type="date" value={d.endDate} onChange={(e) => onChange({ endDate: e.target.value })} />}
        </Field>
        {d.startMode === 'date' ? null : <div />}
      </div>

      <FieldGroup legend="Covers">
        <div className="radio-row">
          {(
            [
              ['always', 'Around the clock'],
              ['business', 'Business hours (Mon–Fri 09:00–17:00)'],
              ['custom', 'Custom windows'],
            ] as Array<[Coverage, string]>
          ).map(([value, label]) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name={`coverage-${d.key}`}
                value={value}
                checked={d.coverage === value}
                onChange={() => onChange({ coverage: value, windows: value === 'custom' && d.windows.length === 0 ? [windowDraft()] : d.windows })}
              />
              <span>{label}</span>
            </label>
          ))}
        </div>
        {d.coverage === 'custom' ? (
          <div className="window-list">
            {d.windows.map((w, i) => (
              <WindowRow
                key={w.key}
                index={i}
                w={w}
                onChange={(patch) => onChange({ windows: d.windows.map((x) => (x.key === w.key ? { ...x, ...patch } : x)) })}
                onRemove={() => onChange({ windows: d.windows.filter((x) => x.key !== w.key) })}
              />
            ))}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange({ windows: [...d.windows, windowDraft()] })}>
              <Icon name="plus" size={14} /> Add window
            </button>
            <p className="field-hint">Outside these windows this layer has nobody on call; a lower layer (or a gap) shows through.</p>
          </div>
        ) : null}
      </FieldGroup>

      <p className="layer-summary">
        <Icon name="clock" size={15} /> {describeLayer(d, byId, zone)}
      </p>
    </fieldset>
  );
}

function WindowRow({ index, w, onChange, onRemove }: { index: number; w: WindowDraft; onChange: (patch: Partial<WindowDraft>) => void; onRemove: () => void }) {
  const n = index + 1;
  const daySelect = (value: IsoWeekday, field: 'startWeekday' | 'endWeekday', label: string) => (
    <select aria-label={label} value={value} onChange={(e) => onChange({ [field]: Number(e.target.value) as IsoWeekday })}>
      {WEEKDAYS.map((d) => (
        <option key={d.value} value={d.value}>
          {d.short}
        </option>
      ))}
    </select>
  );
  return (
    <div className="window-row" role="group" aria-label={`Window ${n}`}>
      <select aria-label={`Window ${n} repeats`} value={w.type} onChange={(e) => onChange({ type: e.target.value as WindowDraft['type'] })}>
        <option value="time_of_day">Every day</option>
        <option value="weekly">Every week</option>
      </select>
      {w.type === 'weekly' ? daySelect(w.startWeekday, 'startWeekday', `Window ${n} from day`) : null}
      <input type="time" aria-label={`Window ${n} from`} value={w.startTime} onChange={(e) => onChange({ startTime: e.target.value })} />
      <span className="muted">to</span>
      {w.type === 'weekly' ? daySelect(w.endWeekday, 'endWeekday', `Window ${n} to day`) : null}
      <input type="time" aria-label={`Window ${n} to`} value={w.endTime} onChange={(e) => onChange({ endTime: e.target.value })} />
      <button type="button" className="icon-button sm danger" aria-label={`Remove window ${n}`} onClick={onRemove}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}
