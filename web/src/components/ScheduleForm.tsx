/**
 * Create a schedule, or edit one (details and rotation layers). PATCH replaces layers as a whole,
 * so the edit form always sends the full list, keeping each layer's id.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, type Schedule, type ScheduleInput, type Team, type User } from '../api.ts';
import { browserTimeZone, timeZones } from '../format.ts';
import { zonedDate, zoneLabel } from '../time.ts';
import { Field, fieldError } from './Field.tsx';
import { draftFromLayer, LayerEditor, layersFromDrafts, newLayerDraft, type LayerDraft } from './LayerEditor.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';
import { SlackPicker } from './SlackPicker.tsx';

const REMINDERS: Array<{ label: string; minutes: number }> = [
  { label: 'No reminder', minutes: 0 },
  { label: '15 minutes before', minutes: 15 },
  { label: '30 minutes before', minutes: 30 },
  { label: '1 hour before', minutes: 60 },
  { label: '2 hours before', minutes: 120 },
  { label: '1 day before', minutes: 1440 },
];

export function ScheduleFormModal({
  schedule,
  teams,
  users,
  defaultTeamId,
  onClose,
  onSaved,
}: {
  schedule?: Schedule;
  teams: Team[];
  users: User[];
  defaultTeamId?: string;
  onClose: () => void;
  onSaved: (s: Schedule) => void;
}) {
  const editing = schedule !== undefined;
  const [name, setName] = useState(schedule?.name ?? '');
  const [slug, setSlug] = useState(schedule?.slug ?? '');
  const [description, setDescription] = useState(schedule?.description ?? '');
  const [teamId, setTeamId] = useState(schedule?.teamId ?? defaultTeamId ?? (teams.length === 1 ? teams[0]!.id : ''));
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? browserTimeZone());
  const [reminderMinutes, setReminderMinutes] = useState(schedule?.reminderMinutes ?? 60);
  const [userGroup, setUserGroup] = useState(schedule?.slackUserGroupId ?? '');
  const [handoffChannel, setHandoffChannel] = useState(schedule?.slackHandoffChannel ?? '');
  const today = zonedDate(Date.now(), timeZone);
  const [layers, setLayers] = useState<LayerDraft[]>(() => (schedule ? schedule.layers.map(draftFromLayer) : [newLayerDraft(0, today)]));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const zones = useMemo(() => {
    const all = timeZones();
    return all.includes(timeZone) ? all : [timeZone, ...all];
  }, [timeZone]);
  const team = teams.find((t) => t.id === teamId);
  const sortedTeams = [...teams].sort((a, b) => a.name.localeCompare(b.name));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!name.trim()) return setError(new ApiError(400, 'invalid', 'Give the schedule a name.', { field: 'name' }));
    if (!teamId) return setError(new ApiError(400, 'invalid', 'Choose the team that owns this schedule.', { field: 'teamId' }));
    const built = layersFromDrafts(layers);
    if ('problem' in built) return setError(built.problem);
    setBusy(true);
    setError(null);
    try {
      let saved: Schedule;
      if (!schedule) {
        const input: ScheduleInput = { name: name.trim(), teamId, timeZone, reminderMinutes, layers: built.layers };
        if (slug.trim()) input.slug = slug.trim();
        if (description.trim()) input.description = description.trim();
        if (userGroup) input.slackUserGroupId = userGroup;
        if (handoffChannel) input.slackHandoffChannel = handoffChannel;
        saved = await api.schedules.create(input);
      } else {
        const patch: Partial<ScheduleInput> = { layers: built.layers };
        if (name.trim() !== schedule.name) patch.name = name.trim();
        if (slug.trim() && slug.trim() !== schedule.slug) patch.slug = slug.trim();
        if (description.trim() !== schedule.description) patch.description = description.trim();
        if (teamId !== schedule.teamId) patch.teamId = teamId;
        if (timeZone !== schedule.timeZone) patch.timeZone = timeZone;
        if (reminderMinutes !== schedule.reminderMinutes) patch.reminderMinutes = reminderMinutes;
        if (userGroup !== (schedule.slackUserGroupId ?? '')) patch.slackUserGroupId = userGroup || null;
        if (handoffChannel !== (schedule.slackHandoffChannel ?? '')) patch.slackHandoffChannel = handoffChannel || null;
        saved = await api.schedules.update(schedule.id, patch);
      }
      onSaved(saved);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const blamed = error instanceof ApiError ? error.field : undefined;
  const topError = error && !(blamed && ['name', 'slug', 'description', 'teamId', 'timeZone', 'slackUserGroupId', 'slackHandoffChannel'].includes(blamed)) ? error : null;

  return (
    <Modal
      title={editing ? `Edit ${schedule.name}` : 'New schedule'}
      description={editing ? 'Changes apply from now on; past shifts stay as they were.' : 'A schedule decides who on a team is on call, around the clock.'}
      onClose={onClose}
      size="xl"
    >
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label="Schedule name" required error={fieldError(error, 'name')}>
            {(p) => (
              <input
                {...p}
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoComplete="off"
                autoFocus={!editing}
                maxLength={200}
                placeholder="e.g. Payments primary"
              />
            )}
          </Field>
          <Field label="Team" required error={fieldError(error, 'teamId')}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                <option value="">Choose a team…</option>
                {sortedTeams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Time zone"
            required
            hint={`Hand-offs and dates are read in this zone: now ${zoneLabel(timeZone)}.`}
            error={fieldError(error, 'timeZone')}
          >
            {(p) => (
              <select {...p} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Shift reminder" hint="The incoming person is notified before their shift starts.">
            {(p) => (
              <select {...p} value={reminderMinutes} onChange={(e) => setReminderMinutes(Number(e.target.value))}>
                {REMINDERS.some((r) => r.minutes === reminderMinutes) ? null : <option value={reminderMinutes}>{reminderMinutes} minutes before</option>}
                {REMINDERS.map((r) => (
                  <option key={r.minutes} value={r.minutes}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="On-call Slack user group" hint="Its members follow whoever is on call (e.g. @payments-oncall)." error={fieldError(error, 'slackUserGroupId')}>
            {(p) => <SlackPicker kind="usergroup" value={userGroup} onChange={setUserGroup} fieldProps={p} />}
          </Field>
          <Field label="Hand-off channel" hint="Hand-offs and shift reports are posted here." error={fieldError(error, 'slackHandoffChannel')}>
            {(p) => <SlackPicker kind="channel" value={handoffChannel} onChange={setHandoffChannel} fieldProps={p} />}
          </Field>
          <Field label="Description" error={fieldError(error, 'description')}>
            {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} placeholder="Optional" />}
          </Field>
          <Field label="Slug" hint="Used in URLs. Leave empty to derive it from the name." error={fieldError(error, 'slug')}>
            {(p) => <input {...p} value={slug} onChange={(e) => setSlug(e.target.value)} autoComplete="off" placeholder="e.g. payments-primary" />}
          </Field>
        </div>

        <h3 className="form-section-title">Rotation layers</h3>
        <LayerEditor
          layers={layers}
          onChange={setLayers}
          users={users}
          zone={timeZone}
          preferredUserIds={team ? [...team.memberIds, ...(team.leadUserId ? [team.leadUserId] : [])] : []}
          defaultStartDate={today}
        />

        <div className="form-error-slot">
          <ErrorBanner error={topError} />
        </div>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create schedule'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
