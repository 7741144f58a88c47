/**
 * Simple SVG bar charts (no chart library): columns over time, and horizontal grouped bars.
 * Each chart is a <figure> whose SVG has a text summary; every bar has a tooltip (<title>).
 */
import { useId, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** The element's width in CSS pixels, kept current; the SVG is drawn at that size so text stays readable. */
function useWidth<T extends HTMLElement>(fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (w: number): void => setWidth(Math.max(240, Math.round(w)));
    measure(el.clientWidth || fallback);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) measure(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [fallback]);
  return [ref, width];
}

export interface Series {
  name: string;
  /** A CSS class setting the bar's fill (see .chart-s0 … in styles.css). */
  className: string;
}

const niceMax = (max: number): number => {
  if (max <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (max <= m * pow) return m * pow;
  return 10 * pow;
};

/** Vertical columns, e.g. incidents per week. */
export function ColumnChart({
  data,
  label,
  caption,
  format = (v) => String(v),
}: {
  data: Array<{ label: string; value: number; title?: string }>;
  label: string;
  caption?: string;
  format?: (v: number) => string;
}) {
  const id = useId();
  const [ref, W] = useWidth<HTMLElement>(680);
  const H = 220;
  const left = 34;
  const bottom = 26;
  const top = 22;
  const plotH = H - bottom - top;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const step = data.length ? (W - left - 4) / data.length : 0;
  const bw = Math.max(2, Math.min(40, step * 0.7));
  const every = Math.max(1, Math.ceil(data.length / 10));
  const ticks = [0, max / 2, max];
  const total = data.reduce((a, d) => a + d.value, 0);
  return (
    <figure className="chart" aria-labelledby={`${id}-cap`} ref={ref}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`${label}: ${data.length ? data.map((d) => `${d.label} ${format(d.value)}`).join(', ') : 'no data'}`}
        className="chart-svg"
      >
        {ticks.map((t) => {
          const y = top + plotH - (t / max) * plotH;
          return (
            <g key={t} className="chart-grid">
              <line x1={left} x2={W} y1={y} y2={y} />
              <text x={left - 6} y={y + 4} textAnchor="end">
                {Number.isInteger(t) ? t : t.toFixed(1)}
              </text>
            </g>
          );
        })}
        {data.map((d, n) => {
          const h = (d.value / max) * plotH;
          const x = left + n * step + (step - bw) / 2;
          return (
            <g key={d.label} className="chart-col">
              <rect x={x} y={top + plotH - h} width={bw} height={Math.max(h, d.value > 0 ? 1 : 0)} className="chart-s0" rx={2}>
                <title>{d.title ?? `${d.label}: ${format(d.value)}`}</title>
              </rect>
              {d.value > 0 && bw >= 14 ? (
                <text x={x + bw / 2} y={top + plotH - h - 3} textAnchor="middle" className="chart-value">
                  {format(d.value)}
                </text>
              ) : null}
              {(data.length - 1 - n) % every === 0 ? (
                <text x={x + bw / 2} y={H - 8} textAnchor="middle" className="chart-axis">
                  {d.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption id={`${id}-cap`} className="chart-caption">
        {caption ?? label} <span className="muted">· total {format(total)}</span>
      </figcaption>
    </figure>
  );
}

/** Horizontal bars, one group per row and one bar per series. */
export function BarChart({
  rows,
  series,
  label,
  format = (v) => String(v),
  empty = 'No data in this period.',
}: {
  rows: Array<{ label: string; values: Array<number | null> }>;
  series: Series[];
  label: string;
  format?: (v: number) => string;
  empty?: string;
}) {
  const id = useId();
  const [ref, W] = useWidth<HTMLElement>(680);
  if (!rows.length) return <p className="muted small empty-line">{empty}</p>;
  const labelW = Math.min(170, Math.round(W * 0.3));
  const valueW = 70;
  const barH = 14;
  const gap = 4;
  const rowH = series.length * (barH + gap) + 12;
  const H = rows.length * rowH + 4;
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => r.values.map((v) => v ?? 0))));
  const plotW = W - labelW - valueW;
  const summary = rows
    .map(
      (r) => `${r.label}: ${series.map((s, k) => `${s.name} ${r.values[k] === null || r.values[k] === undefined ? 'none' : format(r.values[k]!)}`).join(', ')}`,
    )
    .join('; ');
  return (
    <figure className="chart" aria-labelledby={`${id}-cap`} ref={ref}>
      {series.length > 1 ? (
        <div className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.name}>
              <span className={`chart-swatch ${s.className}`} /> {s.name}
            </span>
          ))}
        </div>
      ) : null}
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${label}. ${summary}`} className="chart-svg">
        {rows.map((r, n) => {
          const y0 = n * rowH + 4;
          return (
            <g key={r.label}>
              <text x={labelW - 10} y={y0 + (series.length * (barH + gap)) / 2 + 2} textAnchor="end" className="chart-label">
                {r.label.length > labelW / 7 ? `${r.label.slice(0, Math.floor(labelW / 7) - 1)}…` : r.label}
                <title>{r.label}</title>
              </text>
              {series.map((s, k) => {
                const v = r.values[k];
                const w = v ? (v / max) * plotW : 0;
                const y = y0 + k * (barH + gap);
                return (
                  <g key={s.name}>
                    <rect x={labelW} y={y} width={Math.max(w, v ? 2 : 0)} height={barH} rx={2} className={s.className}>
                      <title>{`${r.label} — ${s.name}: ${v === null || v === undefined ? 'none' : format(v)}`}</title>
                    </rect>
                    <text x={labelW + w + 6} y={y + barH - 3} className="chart-value">
                      {v === null || v === undefined ? '—' : format(v)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption id={`${id}-cap`} className="visually-hidden">
        {label}
      </figcaption>
    </figure>
  );
}
