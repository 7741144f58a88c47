/**
 * A horizontal schedule timeline: a header of ticks, then one row per track (layers, overrides, the
 * final schedule). Positions are proportional to time, so a DST day really is 23 or 25 hours wide.
 *
 * Every block is a button with a full accessible name ("Ann Lee, Mon, Feb 2, 09:00 – …"); its tooltip
 * adds the viewer's own zone. A row with `onSelectRange` can be dragged across to pick a period.
 */
import { useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { formatRangeIn, snapIn, viewTicks, type TimelineView } from '../time.ts';
import { Icon } from './Icon.tsx';

export interface TimelineBlock {
  key: string;
  start: number;
  end: number;
  /** Text shown in the block (usually a name). */
  label: string;
  /** Shown instead of `label` when the block is narrow (e.g. initials). */
  short?: string;
  /** Full accessible name. */
  ariaLabel: string;
  /** Tooltip. */
  title: string;
  kind: 'person' | 'gap';
  /** Fill, border and text colour (see `paletteFor`); gaps have their own. */
  color?: BlockColor;
  /** Drawn with a dashed outline and a swap mark. */
  override?: boolean;
  onClick?: () => void;
}

export interface TimelineRow {
  id: string;
  label: string;
  hint?: string;
  blocks: TimelineBlock[];
  variant?: 'layer' | 'overrides' | 'final';
  /** Shown inside the track when there are no blocks. */
  empty?: string;
  /** Dragging across the track picks [start, end) (snapped). */
  onSelectRange?: (start: number, end: number) => void;
}

export interface BlockColor {
  bg: string;
  border: string;
  text: string;
}

/** Soft fills with dark text: readable, and distinct from the amber of gaps. */
const PALETTE: BlockColor[] = [
  { bg: '#dbeafe', border: '#2563eb', text: '#1e3a8a' },
  { bg: '#ede9fe', border: '#7c3aed', text: '#4c1d95' },
  { bg: '#fce7f3', border: '#db2777', text: '#831843' },
  { bg: '#dcfce7', border: '#16a34a', text: '#14532d' },
  { bg: '#cffafe', border: '#0891b2', text: '#164e63' },
  { bg: '#e0e7ff', border: '#4f46e5', text: '#312e81' },
  { bg: '#ccfbf1', border: '#0d9488', text: '#134e4a' },
  { bg: '#ecfccb', border: '#65a30d', text: '#365314' },
  { bg: '#f1f5f9', border: '#475569', text: '#1e293b' },
];

/**
 * Colours for people: the given ids (e.g. a schedule's participants, in order) get distinct colours
 * first; anyone else gets one by hash.
 */
export function paletteFor(ids: string[]): (id: string) => BlockColor {
  const assigned = new Map<string, BlockColor>();
  for (const id of ids) if (!assigned.has(id)) assigned.set(id, PALETTE[assigned.size % PALETTE.length]!);
  return (id) => {
    const known = assigned.get(id);
    if (known) return known;
    let h = 0;
    for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    const c = PALETTE[(assigned.size + h) % PALETTE.length]!;
    assigned.set(id, c);
    return c;
  };
}

const SNAP_MINUTES: Record<TimelineView, number> = { day: 15, week: 60, month: 60 };

export function Timeline({
  view,
  from,
  to,
  zone,
  rows,
  now = Date.now(),
}: {
  view: TimelineView;
  from: number;
  to: number;
  zone: string;
  rows: TimelineRow[];
  now?: number;
}) {
  const ticks = viewTicks(view, from, to, zone);
  const span = to - from;
  const pct = (t: number): number => ((Math.min(Math.max(t, from), to) - from) / span) * 100;
  const nowVisible = now >= from && now < to;

  return (
    <div className={`tl tl-${view}`}>
      <div className="tl-row tl-header" aria-hidden="true">
        <div className="tl-label" />
        <div className="tl-track">
          {ticks.map((t) =>
            t.label ? (
              <span key={t.at} className={t.major ? 'tl-tick-label major' : 'tl-tick-label'} style={{ left: `${pct(t.at)}%` }}>
                {t.label}
              </span>
            ) : null,
          )}
          {nowVisible ? (
            <span className="tl-now-label" style={{ left: `${pct(now)}%` }}>
              Now
            </span>
          ) : null}
        </div>
      </div>
      {rows.map((row) => (
        <div key={row.id} className={`tl-row tl-row-${row.variant ?? 'layer'}`} role="group" aria-label={row.label}>
          <div className="tl-label">
            <div className="tl-label-name">{row.label}</div>
            {row.hint ? <div className="tl-label-hint">{row.hint}</div> : null}
          </div>
          <Track row={row} view={view} from={from} to={to} zone={zone} pct={pct}>
            {ticks.map((t) => (
              <span key={t.at} className={t.major ? 'tl-grid major' : 'tl-grid'} style={{ left: `${pct(t.at)}%` }} aria-hidden="true" />
            ))}
            {nowVisible ? <span className="tl-now" style={{ left: `${pct(now)}%` }} aria-hidden="true" /> : null}
            {row.blocks.length === 0 && row.empty ? <span className="tl-empty">{row.empty}</span> : null}
            {row.blocks.map((b) => (
              <Block key={b.key} block={b} from={from} to={to} pct={pct} />
            ))}
          </Track>
        </div>
      ))}
    </div>
  );
}

function Block({ block: b, from, to, pct }: { block: TimelineBlock; from: number; to: number; pct: (t: number) => number }) {
  const left = pct(b.start);
  const width = Math.max(pct(b.end) - left, 0);
  const style: CSSProperties = { left: `${left}%`, width: `${width}%` };
  if (b.kind === 'person' && b.color) Object.assign(style, { background: b.color.bg, borderColor: b.color.border, color: b.color.text });
  const classes = ['tl-block', `tl-block-${b.kind}`];
  if (b.override) classes.push('is-override');
  if (b.start < from) classes.push('cont-left');
  if (b.end > to) classes.push('cont-right');
  return (
    <button type="button" className={classes.join(' ')} style={style} aria-label={b.ariaLabel} title={b.title} onClick={b.onClick}>
      <span className="tl-block-inner">
        {b.kind === 'gap' ? <Icon name="warning" size={13} /> : b.override ? <Icon name="swap" size={13} className="tl-block-mark" /> : null}
        <span className="tl-block-text">{b.label}</span>
        {b.short !== undefined ? <span className="tl-block-short">{b.short}</span> : null}
      </span>
    </button>
  );
}

function Track({
  row,
  view,
  from,
  to,
  zone,
  pct,
  children,
}: {
  row: TimelineRow;
  view: TimelineView;
  from: number;
  to: number;
  zone: string;
  pct: (t: number) => number;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ start: number; x: number; moved: boolean } | null>(null);
  const suppressClick = useRef(false);
  const [selection, setSelection] = useState<{ start: number; end: number } | null>(null);
  const onSelect = row.onSelectRange;

  const timeAt = (clientX: number): number => {
    const r = ref.current!.getBoundingClientRect();
    const f = Math.min(Math.max((clientX - r.left) / r.width, 0), 1);
    const t = from + f * (to - from);
    return Math.min(Math.max(snapIn(t, SNAP_MINUTES[view], zone), from), to);
  };

  if (!onSelect) {
    return (
      <div className="tl-track" ref={ref}>
        {children}
      </div>
    );
  }

  const ordered = (a: number, b: number) => (a <= b ? { start: a, end: b } : { start: b, end: a });

  return (
    <div
      className="tl-track tl-selectable"
      ref={ref}
      onPointerDown={(e: ReactPointerEvent<HTMLDivElement>) => {
        suppressClick.current = false;
        if (e.button !== 0 || e.pointerType === 'touch') return;
        drag.current = { start: timeAt(e.clientX), x: e.clientX, moved: false };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        if (!d.moved) {
          if (Math.abs(e.clientX - d.x) < 6) return;
          d.moved = true;
          ref.current?.setPointerCapture(e.pointerId);
        }
        e.preventDefault();
        setSelection(ordered(d.start, timeAt(e.clientX)));
      }}
      onPointerUp={(e) => {
        const d = drag.current;
        drag.current = null;
        if (!d?.moved) return;
        suppressClick.current = true;
        setSelection(null);
        const s = ordered(d.start, timeAt(e.clientX));
        if (s.end > s.start) onSelect(s.start, s.end);
      }}
      onPointerCancel={() => {
        drag.current = null;
        setSelection(null);
      }}
      onClickCapture={(e) => {
        if (suppressClick.current) {
          suppressClick.current = false;
          e.stopPropagation();
          e.preventDefault();
        }
      }}
    >
      {children}
      {selection ? (
        <div className="tl-selection" style={{ left: `${pct(selection.start)}%`, width: `${pct(selection.end) - pct(selection.start)}%` }} aria-hidden="true">
          <span className="tl-selection-label">{formatRangeIn(selection.start, selection.end, zone)}</span>
        </div>
      ) : null}
    </div>
  );
}
