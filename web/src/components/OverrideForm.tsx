/**
 * Add an override: someone covers a period. Times are typed in the schedule's zone (the form says
 * which, and echoes the viewer's own time when it differs).
 */
import { useState, type FormEvent } from 'react';
import { api, type Override, type Schedule, type User } from '../api.ts';
import { formatDuration, formatRangeIn, fromZonedInput, toZonedInput, viewerZone, zoneName } from '../time.ts';
import { Field, fieldError } from './Field.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';

export interface OverrideDraft {
  start?: number;
  end?: number;
  userId?: string;
  replacesUserId?: string;
}

export function OverrideFormModal({
  schedule,
  users,
  initial,
  onClose,
  onSaved,
}: {
  schedule: Schedule;
  users: User[];
  initial: OverrideDraft;
  onClose: () => void;
  onSaved: (o: Override) => void;
}) {
  const zone = schedule.timeZone;
  const [userId, setUserId] = useState(initial.userId ?? '');
  const [start, setStart] = useState(initial.start !== undefined ? toZonedInput(initial.start, zone) : '');
  const [end, setEnd] = useState(initial.end !== undefined ? toZonedInput(initial.end, zone) : '');
  const [replacesUserId, setReplacesUserId] = useState(initial.replacesUserId ?? '');
  const [layerId, setLayerId] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const active = users.filter((u) => u.active).sort((a, b) => a.name.localeCompare(b.name));
  const participantIds = [...new Set(schedule.layers.flatMap((l) => l.participants))];
  const byId = new Map(users.map((u) => [u.id, u]));
  const participants = participantIds.map((id) => byId.get(id)).filter((u): u is User => !!u);
  const startMs = fromZonedInput(start, zone);
  const endMs = fromZonedInput(end, zone);
  const valid = startMs !== null && endMs !== null && endMs > startMs;
  const otherZone = viewerZone() !== zone;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!userId) return setError('Choose who covers.');
    if (startMs === null || endMs === null) return setError('Enter when the override starts and ends.');
    if (endMs <= startMs) return setError('The end must be after the start.');
    if (endMs <= Date.now()) return setError('That period is already over; overrides are for now or later.');
    setBusy(true);
    setError(null);
    try {
      const o = await api.schedules.addOverride(schedule.id, {
        userId,
        start: startMs,
        end: endMs,
        ...(replacesUserId ? { replacesUserId } : {}),
        ...(layerId ? { layerId } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      onSaved(o);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Add override" description={`Someone covers part of ${schedule.name}. Times are in ${zoneName(zone)}.`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={fieldError(error, 'userId', 'start', 'end', 'replacesUserId', 'layerId') ? null : error} />
        <Field label="Who covers" required error={fieldError(error, 'userId')}>
          {(p) => (
            <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)} autoFocus>
              <option value="">Choose a person…</option>
              {active.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-grid">
          <Field label="From" required hint={zoneName(zone)} error={fieldError(error, 'start')}>
            {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />}
          </Field>
          <Field label="To" required hint={zoneName(zone)} error={fieldError(error, 'end')}>
            {(p) => <input {...p} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} min={start || undefined} />}
          </Field>
        </div>
        {valid ? (
          <p className="form-preview">
            {formatDuration(endMs - startMs)}
            {otherZone ? (
              <>
                {' '}
                · your time ({zoneName(viewerZone())}): {formatRangeIn(startMs, endMs, viewerZone())}
              </>
            ) : null}
          </p>
        ) : null}
        <Field
          label="Only replace"
          hint="Leave as is to take over the whole period (gaps included). Pick a person to cover only their time, e.g. one of two people on call."
          error={fieldError(error, 'replacesUserId')}
        >
          {(p) => (
            <select {...p} value={replacesUserId} onChange={(e) => setReplacesUserId(e.target.value)}>
              <option value="">Whoever is on call</option>
              {participants.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {schedule.layers.length > 1 ? (
          <Field label="Only in layer" hint="Leave as is to override the whole schedule. Pick a layer to replace only its person, while that layer is on call." error={fieldError(error, 'layerId')}>
            {(p) => (
              <select {...p} value={layerId} onChange={(e) => setLayerId(e.target.value)}>
                <option value="">The whole schedule</option>
                {schedule.layers.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field label="Reason" hint="Optional, e.g. “covering for Ann’s flight”.">
          {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add override'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
