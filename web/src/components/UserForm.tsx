/**
 * Create / edit a user (admins only). Sends only what changed on edit.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, ROLES, type Role, type User, type UserInput, type UserPatch } from '../api.ts';
import { browserTimeZone, capitalize, timeZones } from '../format.ts';
import { Field, fieldError } from './Field.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';

const ROLE_HELP: Record<Role, string> = {
  admin: 'Admin — manages users, teams and settings, and responds to incidents.',
  responder: 'Responder — goes on call, acknowledges alerts, runs incidents.',
  stakeholder: 'Stakeholder — read-only: follows incidents and reports.',
};

export function UserFormModal({ user, onClose, onSaved }: { user?: User; onClose: () => void; onSaved: (u: User) => void }) {
  const editing = user !== undefined;
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'responder');
  const [timeZone, setTimeZone] = useState(user?.timeZone ?? browserTimeZone());
  const [phone, setPhone] = useState(user?.phone ?? '');
  const [slackUserId, setSlackUserId] = useState(user?.slackUserId ?? '');
  const [active, setActive] = useState(user?.active ?? true);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const zones = timeZones().includes(timeZone) ? timeZones() : [timeZone, ...timeZones()];

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let saved: User;
      if (!user) {
        const input: UserInput = { name: name.trim(), email: email.trim(), role, timeZone };
        if (phone.trim()) input.phone = phone.trim();
        if (slackUserId.trim()) input.slackUserId = slackUserId.trim();
        if (password) input.password = password;
        saved = await api.users.create(input);
      } else {
        const patch: UserPatch = {};
        if (name.trim() !== user.name) patch.name = name.trim();
        if (email.trim() !== user.email) patch.email = email.trim();
        if (role !== user.role) patch.role = role;
        if (timeZone !== user.timeZone) patch.timeZone = timeZone;
        if (phone.trim() !== (user.phone ?? '')) patch.phone = phone.trim() || null;
        if (slackUserId.trim() !== (user.slackUserId ?? '')) patch.slackUserId = slackUserId.trim() || null;
        if (active !== user.active) patch.active = active;
        if (password) patch.password = password;
        saved = Object.keys(patch).length > 0 ? await api.users.update(user.id, patch) : user;
      }
      onSaved(saved);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  // Errors the server tied to a field show under it; anything else shows at the top.
  const blamed = error instanceof ApiError && error.field ? error.field : undefined;
  const knownFields = ['name', 'email', 'role', 'timeZone', 'phone', 'slackUserId', 'password'];
  const topError = error && !(blamed && knownFields.includes(blamed)) ? error : null;

  return (
    <Modal
      title={editing ? `Edit ${user.name}` : 'Add user'}
      description={editing ? user.email : 'They can be put on call and notified once added.'}
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={topError} />
        <div className="form-grid">
          <Field label="Name" required error={fieldError(error, 'name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus={!editing} />}
          </Field>
          <Field label="Email" required error={fieldError(error, 'email')}>
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
          </Field>
          <Field label="Role" hint={ROLE_HELP[role]} error={fieldError(error, 'role')}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {capitalize(r)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Time zone" hint="Used to show shifts in their local time." error={fieldError(error, 'timeZone')}>
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
          <Field label="Phone" hint="E.164 format, e.g. +14155550123. Used for SMS and calls." error={fieldError(error, 'phone')}>
            {(p) => <input {...p} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+14155550123" />}
          </Field>
          <Field label="Slack user ID" hint="e.g. U024BE7LH — for Slack mentions." error={fieldError(error, 'slackUserId')}>
            {(p) => <input {...p} value={slackUserId} onChange={(e) => setSlackUserId(e.target.value)} placeholder="U024BE7LH" />}
          </Field>
        </div>
        <Field
          label={editing ? 'New password' : 'Password'}
          hint={
            editing
              ? 'Leave empty to keep the current password. At least 10 characters.'
              : 'Optional. At least 10 characters. Without one, this user cannot sign in to the web app.'
          }
          error={fieldError(error, 'password')}
        >
          {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />}
        </Field>
        {editing ? (
          <label className="checkbox">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            <span>
              Active <span className="muted">— can sign in, go on call and be notified</span>
            </span>
          </label>
        ) : null}
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Add user'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
