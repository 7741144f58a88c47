/**
 * Settings › Incidents: where incident communication goes (company list, announcements channel),
 * the escalation contact, the security owner and channel, the on-call Slack user group and the
 * triage guidance. Everyone can read them; admins change them.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type IncidentSettings } from '../api.ts';
import { Field, fieldError, type FieldControlProps } from '../components/Field.tsx';
import { SlackPicker } from '../components/SlackPicker.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, Loading, Panel } from '../components/ui.tsx';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

type Form = Record<Exclude<keyof IncidentSettings, 'triageGuidance'>, string> & { triageGuidance: string };

const toForm = (s: IncidentSettings): Form => ({
  companyEmail: s.companyEmail ?? '',
  announcementsChannel: s.announcementsChannel ?? '',
  escalationContactUserId: s.escalationContactUserId ?? '',
  securityOwnerUserId: s.securityOwnerUserId ?? '',
  securityChannel: s.securityChannel ?? '',
  oncallUserGroup: s.oncallUserGroup ?? '',
  triageGuidance: s.triageGuidance,
});

const FIELDS = [
  'companyEmail',
  'announcementsChannel',
  'escalationContactUserId',
  'securityOwnerUserId',
  'securityChannel',
  'oncallUserGroup',
  'triageGuidance',
] as const;

export function IncidentSettingsSection() {
  useDocumentTitle('Incident settings');
  const session = useSession();
  const isAdmin = session.can('admin');
  const settings = useResource(() => api.incidentSettings.get(), []);
  const users = useResource(() => api.users.list(), []);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data) setForm(toForm(settings.data));
  }, [settings.data]);

  if (!form) {
    return (
      <Panel title="Incidents">
        {settings.loading ? <Loading label="Loading incident settings…" /> : null}
        <ErrorBanner error={settings.error} title="Could not load the incident settings." />
      </Panel>
    );
  }

  const set = (k: keyof Form, v: string): void => {
    setSaved(false);
    setForm((f) => (f ? { ...f, [k]: v } : f));
  };
  const original = settings.data ? toForm(settings.data) : form;
  const changed = FIELDS.filter((k) => form[k] !== original[k]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!changed.length) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    const patch: Partial<IncidentSettings> = {};
    for (const k of changed) {
      if (k === 'triageGuidance') patch.triageGuidance = form.triageGuidance;
      else patch[k] = form[k].trim() || null;
    }
    try {
      const next = await api.incidentSettings.update(patch);
      settings.setData(next);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const people = [...(users.data ?? [])].filter((u) => u.active).sort((a, b) => a.name.localeCompare(b.name));
  const personSelect = (k: 'escalationContactUserId' | 'securityOwnerUserId') => (p: FieldControlProps) => (
    <select {...p} value={form[k]} onChange={(e) => set(k, e.target.value)} disabled={!isAdmin}>
      <option value="">Nobody</option>
      {people.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name} — {u.email}
        </option>
      ))}
    </select>
  );
  const text = (k: 'companyEmail' | 'announcementsChannel' | 'securityChannel' | 'oncallUserGroup', placeholder: string) => (p: FieldControlProps) => (
    <input {...p} value={form[k]} onChange={(e) => set(k, e.target.value)} placeholder={placeholder} readOnly={!isAdmin} autoComplete="off" />
  );
  // Slack ids are picked by name (admins); others see the id.
  const slack = (k: 'announcementsChannel' | 'securityChannel' | 'oncallUserGroup', kind: 'channel' | 'usergroup') => (p: FieldControlProps) =>
    isAdmin ? <SlackPicker kind={kind} value={form[k]} onChange={(v) => set(k, v)} fieldProps={p} /> : text(k, '')(p);

  return (
    <form onSubmit={submit} noValidate className="settings-stack">
      {!isAdmin ? (
        <div className="banner banner-info" role="note">
          <Icon name="shield" />
          <div>Only admins change these settings.</div>
        </div>
      ) : null}
      <ErrorBanner error={fieldError(error, ...FIELDS) ? null : error} />
      <Panel title="Company communication">
        <p className="panel-intro">
          When an incident’s severity requires it (see <Link to="/severities">Severity levels</Link>), the declaration, updates and resolution are emailed to
          the company list and posted in the announcements channel.
        </p>
        <div className="form-grid">
          <Field label="Company email list" hint="E.g. everyone@example.com. One email thread per incident." error={fieldError(error, 'companyEmail')}>
            {text('companyEmail', 'everyone@example.com')}
          </Field>
          <Field label="Announcements channel" hint="The Slack channel where incidents are announced; updates are replies in each incident's thread." error={fieldError(error, 'announcementsChannel')}>
            {slack('announcementsChannel', 'channel')}
          </Field>
        </div>
      </Panel>
      <Panel title="People">
        <div className="form-grid">
          <Field
            label="Escalation contact"
            hint="The engineering lead looped in with one action from an incident."
            error={fieldError(error, 'escalationContactUserId')}
          >
            {personSelect('escalationContactUserId')}
          </Field>
          <Field label="Security owner" hint="Paged for security reports; sees every private incident." error={fieldError(error, 'securityOwnerUserId')}>
            {personSelect('securityOwnerUserId')}
          </Field>
          <Field label="Security channel" hint="The Slack channel for security reports." error={fieldError(error, 'securityChannel')}>
            {slack('securityChannel', 'channel')}
          </Field>
          <Field label="On-call user group" hint="The Slack user group mentioned in security posts." error={fieldError(error, 'oncallUserGroup')}>
            {slack('oncallUserGroup', 'usergroup')}
          </Field>
        </div>
      </Panel>
      <Panel title="Triage guidance">
        <Field label="Bug or incident?" hint="Shown beside the triage queue." error={fieldError(error, 'triageGuidance')}>
          {(p) => (
            <textarea
              {...p}
              rows={4}
              value={form.triageGuidance}
              onChange={(e) => set('triageGuidance', e.target.value)}
              readOnly={!isAdmin}
              maxLength={10000}
            />
          )}
        </Field>
      </Panel>
      {isAdmin ? (
        <div className="form-buttons">
          <button type="submit" className="btn btn-primary" disabled={busy || !changed.length}>
            {busy ? 'Saving…' : 'Save incident settings'}
          </button>
          {saved ? (
            <span className="readiness-ok small" role="status">
              <Icon name="check" size={14} /> Saved
            </span>
          ) : changed.length ? (
            <span className="muted small">Unsaved changes</span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
