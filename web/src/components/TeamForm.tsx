/**
 * Create / edit a team: name, slug, description, lead and members.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, type Team, type TeamInput, type User } from '../api.ts';
import { Field, FieldGroup, fieldError } from './Field.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';

export function TeamFormModal({ team, users, onClose, onSaved }: { team?: Team; users: User[]; onClose: () => void; onSaved: (t: Team) => void }) {
  const editing = team !== undefined;
  const [name, setName] = useState(team?.name ?? '');
  const [slug, setSlug] = useState(team?.slug ?? '');
  const [description, setDescription] = useState(team?.description ?? '');
  const [leadUserId, setLeadUserId] = useState(team?.leadUserId ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const sorted = useMemo(() => [...users].sort((a, b) => a.name.localeCompare(b.name)), [users]);
  const shown = filter.trim() ? sorted.filter((u) => `${u.name} ${u.email}`.toLowerCase().includes(filter.trim().toLowerCase())) : sorted;
  const isMember = (id: string): boolean => memberIds.includes(id) || id === leadUserId;

  const toggle = (id: string, on: boolean): void => {
    setMemberIds((cur) => (on ? [...cur.filter((x) => x !== id), id] : cur.filter((x) => x !== id)));
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const members = [...new Set([...memberIds, ...(leadUserId ? [leadUserId] : [])])];
    try {
      let saved: Team;
      if (!team) {
        const input: TeamInput = { name: name.trim(), memberIds: members };
        if (slug.trim()) input.slug = slug.trim();
        if (description.trim()) input.description = description.trim();
        if (leadUserId) input.leadUserId = leadUserId;
        saved = await api.teams.create(input);
      } else {
        const patch: Partial<TeamInput> = {};
        if (name.trim() !== team.name) patch.name = name.trim();
        if (slug.trim() && slug.trim() !== team.slug) patch.slug = slug.trim();
        if (description.trim() !== team.description) patch.description = description.trim();
        if ((leadUserId || null) !== team.leadUserId) patch.leadUserId = leadUserId || null;
        const before = [...team.memberIds].sort().join(',');
        if ([...members].sort().join(',') !== before) patch.memberIds = members;
        saved = Object.keys(patch).length > 0 ? await api.teams.update(team.id, patch) : team;
      }
      onSaved(saved);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const blamed = error instanceof ApiError ? error.field : undefined;
  const topError = error && !(blamed && ['name', 'slug', 'description', 'leadUserId'].includes(blamed)) ? error : null;

  return (
    <Modal
      title={editing ? `Edit team ${team.name}` : 'New team'}
      description={editing ? undefined : 'A team groups the people who share on-call duty for some services.'}
      onClose={onClose}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={topError} />
        <div className="form-grid">
          <Field label="Team name" required error={fieldError(error, 'name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus={!editing} />}
          </Field>
          <Field label="Slug" hint="Short id used in URLs and the API. Leave empty to derive it from the name." error={fieldError(error, 'slug')}>
            {(p) => <input {...p} value={slug} onChange={(e) => setSlug(e.target.value)} placeholder="e.g. payments" autoComplete="off" />}
          </Field>
        </div>
        <Field label="Description" error={fieldError(error, 'description')}>
          {(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Team lead" hint="The lead is always a member of the team." error={fieldError(error, 'leadUserId')}>
          {(p) => (
            <select {...p} value={leadUserId} onChange={(e) => setLeadUserId(e.target.value)}>
              <option value="">No lead</option>
              {sorted.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FieldGroup legend={`Members (${sorted.filter((u) => isMember(u.id)).length} selected)`}>
          {sorted.length > 8 ? (
            <input
              type="search"
              className="member-filter"
              aria-label="Filter people"
              placeholder="Filter people…"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          ) : null}
          <div className="member-list">
            {shown.length === 0 ? <p className="muted small">No people match.</p> : null}
            {shown.map((u) => {
              const lead = u.id === leadUserId;
              return (
                <label key={u.id} className="member-option">
                  <input type="checkbox" checked={isMember(u.id)} disabled={lead} onChange={(e) => toggle(u.id, e.target.checked)} />
                  <span className="member-name">{u.name}</span>
                  <span className="muted small">{lead ? 'Team lead' : u.email}</span>
                </label>
              );
            })}
          </div>
        </FieldGroup>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create team'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
