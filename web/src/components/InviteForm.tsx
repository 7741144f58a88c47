/**
 * Invite people: by email (a sign-up link each), or everyone in a Slack channel. Admins invite to
 * any team; a team's lead to their own team.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, call, type BodyOf, type ResponseOf, type Team } from '../api.ts';
import { Field, fieldError } from './Field.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { SlackPicker } from './SlackPicker.tsx';
import { ErrorBanner } from './ui.tsx';

export type Invite = ResponseOf<'/invites', 'post'>;

export function InviteModal({ teams, isAdmin, onClose, onSent }: { teams: Team[]; isAdmin: boolean; onClose: () => void; onSent: (summary: string) => void }) {
  const [mode, setMode] = useState<'email' | 'slack'>('email');
  const [emails, setEmails] = useState('');
  const [channel, setChannel] = useState('');
  const [teamId, setTeamId] = useState(teams.length === 1 ? teams[0]!.id : '');
  const [role, setRole] = useState<BodyOf<'/invites', 'post'>['role']>('responder');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    if (!isAdmin && !teamId) return setError(new ApiError(400, 'invalid', 'Choose the team they join.', { field: 'teamId' }));
    setBusy(true);
    try {
      if (mode === 'email') {
        const list = emails
          .split(/[\s,;]+/)
          .map((x) => x.trim())
          .filter(Boolean);
        if (list.length === 0) throw new ApiError(400, 'invalid', 'Enter at least one email address.', { field: 'emails' });
        const sent: string[] = [];
        for (const email of list) {
          try {
            await call('post', '/invites', { body: { email, role, teamId: teamId || null } });
            sent.push(email);
          } catch (err) {
            if (err instanceof ApiError) throw new ApiError(err.status, err.code, `${email}: ${err.message}${sent.length ? ` (invited so far: ${sent.join(', ')})` : ''}`, { field: 'emails' });
            throw err;
          }
        }
        onSent(`Invited ${sent.join(', ')}. Each gets a sign-up link by email.`);
      } else {
        if (!channel) throw new ApiError(400, 'invalid', 'Choose a Slack channel.', { field: 'channelId' });
        const res = await call('post', '/invites/slack', { body: { channelId: channel, role, teamId: teamId || null } });
        const skipped = res.skipped.length ? ` Skipped ${res.skipped.map((s) => `${s.name ?? s.slackUserId} (${s.reason})`).join(', ')}.` : '';
        onSent(`Invited ${res.invited.length} ${res.invited.length === 1 ? 'person' : 'people'} from the channel: ${res.invited.map((i) => i.email).join(', ') || 'nobody new'}.${skipped}`);
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Invite people" description="They get a link to choose their name and password; the link works once and expires in 7 days." onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="segmented" role="radiogroup" aria-label="Invite by">
          <label>
            <input type="radio" name="mode" checked={mode === 'email'} onChange={() => setMode('email')} /> By email
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'slack'} onChange={() => setMode('slack')} /> From a Slack channel
          </label>
        </div>
        <div className="form-grid">
          {mode === 'email' ? (
            <Field label="Email addresses" hint="One or more, separated by commas or new lines." error={fieldError(error, 'emails', 'email')}>
              {(p) => <textarea {...p} rows={3} value={emails} onChange={(e) => setEmails(e.target.value)} placeholder="ana@example.com, bo@example.com" autoFocus />}
            </Field>
          ) : (
            <Field label="Slack channel" hint="Everyone in it is invited with the email of their Slack account; bots and people who have an account are skipped." error={fieldError(error, 'channelId')}>
              {(p) => <SlackPicker kind="channel" value={channel} onChange={setChannel} fieldProps={p} />}
            </Field>
          )}
          <Field label="Team" hint={isAdmin ? 'Optional: the team they join.' : 'The team they join.'} error={fieldError(error, 'teamId')}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                {isAdmin ? <option value="">No team</option> : <option value="">Choose a team…</option>}
                {[...teams]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <Field label="Role" error={fieldError(error, 'role')}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
                <option value="responder">Responder (goes on call)</option>
                <option value="stakeholder">Stakeholder (follows incidents)</option>
                {isAdmin ? <option value="admin">Admin</option> : null}
              </select>
            )}
          </Field>
        </div>
        <div className="form-error-slot">
          <ErrorBanner error={fieldError(error, 'emails', 'email', 'channelId', 'teamId', 'role') ? null : error} />
        </div>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send invites'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
