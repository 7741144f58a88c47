/**
 * A time or time range shown in a given zone, with the viewer's own zone on hover.
 */
import { formatDateTimeIn, formatRangeIn, viewerHint, viewerZone, zoneName } from '../time.ts';

/** `openEnded`: the end is only where the data stops (a window edge), so it reads "… onwards". */
export function When({
  start,
  end,
  zone,
  showZone = false,
  openEnded = false,
}: {
  start: number;
  end?: number;
  zone: string;
  showZone?: boolean;
  openEnded?: boolean;
}) {
  const text = end === undefined || openEnded ? `${formatDateTimeIn(start, zone)}${openEnded ? ' onwards' : ''}` : formatRangeIn(start, end, zone);
  const title = zone === viewerZone() ? `${zoneName(zone)} (your zone)` : viewerHint(start, end);
  return (
    <time dateTime={new Date(start).toISOString()} title={title} className="when">
      {text}
      {showZone ? <span className="when-zone"> {zoneName(zone)}</span> : null}
    </time>
  );
}
