/**
 * On-call schedule model: a schedule is a stack of rotation layers plus overrides, in one IANA zone.
 *
 * Instants are epoch milliseconds (UTC). Wall-clock fields ('HH:MM', 'YYYY-MM-DD', weekdays) are read
 * in the schedule's time zone. Intervals are half-open: [start, end).
 */

/** ISO weekday: Monday = 1 ... Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type ShiftUnit = 'hour' | 'day' | 'week';

export interface ShiftLength {
  unit: ShiftUnit;
  /** N units per shift: 1 week, 2 days, 12 hours... A positive integer. */
  length: number;
}

/** A daily window, e.g. 09:00-17:00, or 22:00-06:00 (crosses midnight: ends the next day). */
export interface TimeOfDayRestriction {
  type: 'time_of_day';
  start: string;
  end: string;
}

/**
 * A weekly window from startWeekday startTime to the next endWeekday endTime, e.g. Fri 18:00 - Mon 08:00.
 * Business hours Mon-Fri 09:00-17:00 are five windows (Mon 09:00-Mon 17:00, ..., Fri 09:00-Fri 17:00).
 * When start and end fall on the same weekday and endTime <= startTime the window wraps around the week.
 */
export interface WeeklyRestriction {
  type: 'weekly';
  startWeekday: IsoWeekday;
  startTime: string;
  endWeekday: IsoWeekday;
  endTime: string;
}

export type Restriction = TimeOfDayRestriction | WeeklyRestriction;

/**
 * One rotation layer. Shift k (k = 0, 1, ...) goes to participants[k % participants.length].
 * Shift 0 starts at handoffTime on startDate (for weekly shifts with handoffWeekday: on the first such
 * weekday on or after startDate). Day and week shifts hand off at the same wall-clock time across DST;
 * hour shifts are absolute (12 hours are 12 real hours, so a 08:00/20:00 pair drifts by an hour at DST).
 */
/**
 * How a layer meets the layers below it (lower index). `override` (the default): where the layer has
 * coverage, its person replaces whoever the layers below put on call. `combine`: its person is on call
 * together with them (OpsGenie's rotations: every rotation of a schedule pages at once).
 */
export type LayerMode = 'override' | 'combine';

export interface Layer {
  id: string;
  name: string;
  /** User ids in rotation order; a user may appear more than once. */
  participants: string[];
  shift: ShiftLength;
  /** 'HH:MM', 00:00-23:59, in the schedule's zone. */
  handoffTime: string;
  /** Only for weekly shifts. Defaults to the weekday of startDate. */
  handoffWeekday?: IsoWeekday | null;
  /** 'YYYY-MM-DD' in the schedule's zone. */
  startDate: string;
  /**
   * The instant the layer takes effect (epoch ms); before it the layer covers nothing. Hand-off
   * times still count from startDate, so with startDate on or before this instant the shift
   * running then starts at it: a new schedule's first shift starts now, not at the next hand-off.
   */
  startAt?: number | null;
  /** 'YYYY-MM-DD': the layer stops at handoffTime on this date (exclusive), mirroring startDate. */
  endDate?: string | null;
  /** When present and non-empty, the layer only covers these windows (gaps elsewhere). */
  restrictions?: Restriction[] | null;
  /** Default 'override' (later layer wins). */
  mode?: LayerMode | null;
}

/** Alias: the UI calls layers rotations. */
export type Rotation = Layer;

export interface Override {
  id: string;
  /** Who covers. */
  userId: string;
  start: number;
  end: number;
  /**
   * When set, only the intervals where this user is on call (inside [start, end)) are replaced.
   * Otherwise everything in the window is replaced, gaps included.
   */
  replacesUserId?: string | null;
  /**
   * When set, the override replaces only this layer's person, where (and while) that layer is on call;
   * the other layers are untouched. Otherwise it applies on top of the whole schedule.
   */
  layerId?: string | null;
}

export interface Schedule {
  id: string;
  /** IANA zone, e.g. Europe/Berlin. */
  timeZone: string;
  /**
   * Index order is precedence: a later (higher) layer in `override` mode replaces what is below it where
   * it has coverage; one in `combine` mode adds its person to what is below it.
   */
  layers: Layer[];
  /**
   * Layer-scoped overrides replace that layer's person first; the others apply in array order on top of
   * the layers: a later override wins where overrides overlap.
   */
  overrides: Override[];
}

export interface Interval {
  start: number;
  end: number;
}

/** A shift of one layer (already cut by the layer's restrictions). */
export interface Shift {
  userId: string;
  start: number;
  end: number;
  layerId: string;
  source: 'rotation';
}

/** A piece of the final (effective) schedule. */
export interface FinalShift {
  userId: string;
  start: number;
  end: number;
  source: 'rotation' | 'override';
  /** For rotation pieces: the layer that supplied the user. */
  layerId?: string;
  /** For override pieces. */
  overrideId?: string;
  /** For override pieces: who would have been on call without the override (absent over a gap). */
  replacedUserId?: string;
  /** For override pieces that replaced several people at once (a whole-schedule override over combined layers). */
  replacedUserIds?: string[];
}

export type Gap = Interval;

/**
 * Shifts may overlap in time: several people are on call at once where layers combine. Each person is
 * listed once at any instant.
 */
export interface FinalSchedule {
  shifts: FinalShift[];
  gaps: Gap[];
}

/** An instant where the set of on-call users changes. */
export interface Handoff {
  at: number;
  from: string[];
  to: string[];
}
