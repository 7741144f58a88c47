/**
 * Shift swaps: offering your own shift ("Offer my shift"), and the list of open offers with Accept
 * (anyone else who can edit schedules) and Cancel (the person offering, or an admin).
 */
import { useState, type FormEvent } from 'react';
import { api, type SwapRequest, type User } from '../api.ts';
import { formatDuration, formatRangeIn, fromZonedInput, MINUTE, toZonedInput, zoneName } from '../time.ts';
import { Field, fieldError } from './Field.tsx';
import { Icon } from './Icon.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { Avatar, ErrorBanner } from './ui.tsx';
import { When } from './When.tsx';

export function OfferShiftModal({
  scheduleId,
  scheduleName,
  zone,
  start: shiftStart,
  end: shiftEnd,
  onClose,
  onSaved,
}: {
  scheduleId: string;
  scheduleName: string;
  zone: string;
  start: number;
  end: number;
  onClose: () => void;
  onSaved: (s: SwapRequest) => void;
}) {
  // Only what is still ahead can be given away: start from now when the shift is running.
  const started = shiftStart < Date.now();
  const [start, setStart] = useState(toZonedInput(started ? Math.floor(Date.now() / MINUTE) * MINUTE : shiftStart, zone));
  const [end, setEnd] = useState(toZonedInput(shiftEnd, zone));
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const startMs = fromZonedInput(start, zone);
  const endMs = fromZonedInput(end, zone);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (startMs === null || endMs === null || endMs <= startMs) return setError('Enter a period whose end is after its start.');
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.schedules.offerShift(scheduleId, { start: startMs, end: endMs, ...(note.trim() ? { note: note.trim() } : {}) }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Offer my shift" description={`${scheduleName} · times in ${zoneName(zone)}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p className="panel-intro">
          Your teammates see the offer and one of them can take it. <strong>You stay on call until someone accepts.</strong> To offer only part of the shift,
          change the times{started ? ' (it has started, so the offer begins now)' : ''}.
        </p>
        <ErrorBanner error={fieldError(error, 'start', 'end') ? null : error} />
        <div className="form-grid">
          <Field label="From" hint={zoneName(zone)} error={fieldError(error, 'start')}>
            {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />}
          </Field>
          <Field label="To" hint={zoneName(zone)} error={fieldError(error, 'end')}>
            {(p) => <input {...p} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />}
          </Field>
        </div>
        {startMs !== null && endMs !== null && endMs > startMs ? <p className="form-preview">{formatDuration(endMs - startMs)}</p> : null}
        <Field label="Note" hint="Optional, e.g. “family wedding — happy to take your next weekend”.">
          {(p) => <textarea {...p} rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Offering…' : 'Offer shift'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

export interface SwapContext {
  users: Map<string, User>;
  /** Schedule id → name and zone. */
  schedules: Map<string, { name: string; timeZone: string; slug: string }>;
  meId: string;
  canWrite: boolean;
  isAdmin: boolean;
}

/** Open swap requests with their actions. `showSchedule` names the schedule of each (My shifts). */
export function SwapList({
  swaps,
  ctx,
  showSchedule = false,
  onChanged,
}: {
  swaps: SwapRequest[];
  ctx: SwapContext;
  showSchedule?: boolean;
  onChanged: (what: 'accepted' | 'cancelled', s: SwapRequest) => void;
}) {
  const [accepting, setAccepting] = useState<SwapRequest | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const cancel = async (s: SwapRequest): Promise<void> => {
    setCancelling(s.id);
    setError(null);
    try {
      onChanged('cancelled', await api.swaps.cancel(s.id));
    } catch (err) {
      setError(err);
    } finally {
      setCancelling(null);
    }
  };

  return (
    <>
      <ErrorBanner error={error} />
      <ul className="swap-list">
        {swaps.map((s) => {
          const requester = ctx.users.get(s.requesterId)?.name ?? 'Someone';
          const sched = ctx.schedules.get(s.scheduleId);
          const zone = sched?.timeZone ?? 'UTC';
          const mine = s.requesterId === ctx.meId;
          return (
            <li key={s.id} className="swap-item" aria-label={`${requester} offers ${formatRangeIn(s.start, s.end, zone)}`}>
              <Avatar name={requester} size={30} />
              <div className="swap-main">
                <div>
                  <span className="strong">{mine ? 'You' : requester}</span> {mine ? 'offer' : 'offers'} <When start={s.start} end={s.end} zone={zone} />{' '}
                  <span className="muted small">
                    ({zoneName(zone)}, {formatDuration(s.end - s.start)})
                  </span>
                </div>
                {showSchedule && sched ? <div className="muted small">{sched.name}</div> : null}
                {s.note ? <div className="swap-note">“{s.note}”</div> : null}
              </div>
              <div className="swap-actions">
                {!mine && ctx.canWrite ? (
                  <button type="button" className="btn btn-primary btn-sm" aria-label={`Accept shift offered by ${requester}`} onClick={() => setAccepting(s)}>
                    <Icon name="check" size={14} /> Accept
                  </button>
                ) : null}
                {mine || ctx.isAdmin ? (
                  <button type="button" className="btn btn-ghost btn-sm btn-danger-text" disabled={cancelling === s.id} onClick={() => void cancel(s)}>
                    {cancelling === s.id ? 'Cancelling…' : mine ? 'Cancel request' : 'Cancel'}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {accepting ? (
        <AcceptSwapModal
          swap={accepting}
          requester={ctx.users.get(accepting.requesterId)?.name ?? 'Someone'}
          schedule={ctx.schedules.get(accepting.scheduleId)}
          onClose={() => setAccepting(null)}
          onAccepted={(s) => {
            setAccepting(null);
            onChanged('accepted', s);
          }}
        />
      ) : null}
    </>
  );
}

function AcceptSwapModal({
  swap,
  requester,
  schedule,
  onClose,
  onAccepted,
}: {
  swap: SwapRequest;
  requester: string;
  schedule: { name: string; timeZone: string } | undefined;
  onClose: () => void;
  onAccepted: (s: SwapRequest) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const zone = schedule?.timeZone ?? 'UTC';
  const from = Math.max(swap.start, Date.now());
  return (
    <Modal title={`Take ${requester}’s shift?`} onClose={onClose} size="sm">
      <p>
        You will be on call for <strong>{schedule?.name ?? 'this schedule'}</strong> instead of {requester}:
      </p>
      <p className="strong">
        <When start={from} end={swap.end} zone={zone} /> <span className="muted small">({zoneName(zone)})</span>
      </p>
      {swap.start < Date.now() ? <p className="muted small">This shift has started; you take over from the moment you accept.</p> : null}
      <ErrorBanner error={error} />
      <ModalActions>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Not now
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              const r = await api.swaps.accept(swap.id);
              onAccepted(r.swap);
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Accepting…' : 'Take this shift'}
        </button>
      </ModalActions>
    </Modal>
  );
}
