/**
 * The "Incident severity levels" document (`/severities`): each level's definition, examples,
 * targets, communication and post-mortem rules; a Markdown download; "Mark as read" (a step of the
 * on-call checklist); admins edit a level.
 */
import { useState, type FormEvent } from 'react';
import { api, type Severity, type SeverityInput } from '../api.ts';
import { Field, FieldGroup, fieldError } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { PrioritiesVsSeverities, SeverityBadge, useSeverities } from '../components/IncidentBits.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { useChecklist } from '../components/Readiness.tsx';
import { ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatMinutes } from '../format.ts';
import { useDocumentTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

export function SeveritiesPage() {
  useDocumentTitle('Severity levels');
  const session = useSession();
  const isAdmin = session.can('admin');
  const severities = useSeverities();
  const checklist = useChecklist();
  const [editing, setEditing] = useState<Severity | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const read = checklist.data?.items.find((i) => i.id === 'severity_levels_read')?.done ?? false;

  return (
    <>
      <PageHeader
        title="Severity levels"
        description="How bad is it? The level decides how fast we respond, who hears about it, and whether we write a post-mortem. P0 is the most severe."
        actions={
          <a className="btn btn-secondary" href={api.severities.markdownUrl} download="severity-levels.md">
            <Icon name="download" size={16} /> Download Markdown
          </a>
        }
      />
      <PrioritiesVsSeverities />
      <ErrorBanner error={severities.error} title="Could not load the severity levels." />
      {severities.loading && !severities.data ? <Loading label="Loading severity levels…" /> : null}

      {checklist.data ? (
        <div className={read ? 'banner banner-success read-banner' : 'banner banner-info read-banner'} role="status">
          <Icon name={read ? 'check' : 'book'} />
          <div>{read ? 'You have read the severity levels.' : 'Everyone who may be on call reads these once. Mark them as read when you have.'}</div>
          {read ? null : (
            <button
              type="button"
              className="btn btn-primary btn-sm"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await api.notifications.markSeverityLevelsRead();
                  await checklist.reload();
                } catch (err) {
                  setError(err);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? 'Saving…' : 'Mark as read'}
            </button>
          )}
        </div>
      ) : null}
      <ErrorBanner error={error} />

      <div className="severity-doc">
        {(severities.data ?? []).map((s) => (
          <SeverityLevel key={s.key} severity={s} onEdit={isAdmin ? () => setEditing(s) : undefined} />
        ))}
      </div>

      {editing ? (
        <EditSeverityModal
          severity={editing}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await severities.reload();
          }}
        />
      ) : null}
    </>
  );
}

function SeverityLevel({ severity: s, onEdit }: { severity: Severity; onEdit?: (() => void) | undefined }) {
  return (
    <Panel
      className={`severity-level sev-border-${Math.min(s.rank, 4)}`}
      title={
        <span className="severity-title">
          <SeverityBadge severity={s.key} rank={s.rank} size="lg" /> <span>{s.name}</span>
        </span>
      }
      actions={
        onEdit ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onEdit} aria-label={`Edit ${s.key}`}>
            <Icon name="edit" size={14} /> Edit
          </button>
        ) : null
      }
    >
      <p className="severity-definition">{s.definition}</p>
      {s.examples.length ? (
        <>
          <h3 className="subheading">Examples</h3>
          <ul className="severity-examples">
            {s.examples.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </>
      ) : null}
      {s.whenToEscalate ? (
        <>
          <h3 className="subheading">When to escalate</h3>
          <p className="severity-escalate">{s.whenToEscalate}</p>
        </>
      ) : null}
      <div className="severity-facts">
        <div>
          <h3 className="subheading">Targets</h3>
          <dl className="facts facts-tight">
            <dt>Acknowledge</dt>
            <dd>within {formatMinutes(s.ackTargetMinutes)}</dd>
            <dt>Respond (mitigate)</dt>
            <dd>within {formatMinutes(s.responseTargetMinutes)}</dd>
            <dt>Paging</dt>
            <dd>
              {s.urgency === 'high' ? 'High urgency (any hour)' : 'Low urgency'}
              {s.escalationPolicy ? `, escalation policy ${s.escalationPolicy}` : ''}
            </dd>
          </dl>
        </div>
        <div>
          <h3 className="subheading">Communication</h3>
          <dl className="facts facts-tight">
            <dt>Status updates</dt>
            <dd>every {formatMinutes(s.updateCadenceMinutes)}</dd>
            <dt>Company-wide</dt>
            <dd>{s.companyComms ? 'Yes: company list and announcements channel' : 'No'}</dd>
            <dt>Slack channel</dt>
            <dd>{s.incidentChannel ? 'One per incident' : 'No'}</dd>
            {s.stakeholderGroups.length ? (
              <>
                <dt>Stakeholders</dt>
                <dd className="mono">{s.stakeholderGroups.join(', ')}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <div>
          <h3 className="subheading">Post-mortem</h3>
          <dl className="facts facts-tight">
            <dt>Required</dt>
            <dd>{s.postmortemRequired ? `Yes, within ${s.postmortemDueDays} days` : 'Optional'}</dd>
            <dt>Emailed to company</dt>
            <dd>{s.postmortemEmailed ? 'Yes, when published' : 'No'}</dd>
          </dl>
        </div>
      </div>
    </Panel>
  );
}

function EditSeverityModal({ severity, onClose, onSaved }: { severity: Severity; onClose: () => void; onSaved: () => Promise<void> }) {
  const [form, setForm] = useState(() => ({
    ...severity,
    examplesText: severity.examples.join('\n'),
    groupsText: severity.stakeholderGroups.join(', '),
    escalationText: severity.escalationPolicy ?? '',
    whenToEscalate: severity.whenToEscalate ?? '',
  }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]): void => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const input: SeverityInput = {
      rank: Number(form.rank),
      name: form.name.trim(),
      definition: form.definition.trim(),
      examples: form.examplesText
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean),
      ackTargetMinutes: Number(form.ackTargetMinutes),
      responseTargetMinutes: Number(form.responseTargetMinutes),
      urgency: form.urgency,
      escalationPolicy: form.escalationText.trim() || null,
      updateCadenceMinutes: Number(form.updateCadenceMinutes),
      companyComms: form.companyComms,
      postmortemRequired: form.postmortemRequired,
      postmortemEmailed: form.postmortemEmailed,
      postmortemDueDays: Number(form.postmortemDueDays),
      stakeholderGroups: form.groupsText
        .split(/[\s,]+/)
        .map((x) => x.trim())
        .filter(Boolean),
      incidentChannel: form.incidentChannel,
      whenToEscalate: form.whenToEscalate.trim(),
    };
    try {
      await api.severities.save(severity.key, input);
      await onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const num = (k: 'rank' | 'ackTargetMinutes' | 'responseTargetMinutes' | 'updateCadenceMinutes' | 'postmortemDueDays', label: string, hint?: string) => (
    <Field label={label} hint={hint} error={fieldError(error, k)}>
      {(p) => <input {...p} type="number" min={k === 'rank' ? 0 : 1} value={String(form[k])} onChange={(e) => set(k, Number(e.target.value))} />}
    </Field>
  );
  const known = ['rank', 'name', 'ackTargetMinutes', 'responseTargetMinutes', 'updateCadenceMinutes', 'postmortemDueDays', 'stakeholderGroups'];

  return (
    <Modal title={`Edit ${severity.key}`} description="Changes apply to new incidents and to the targets of open ones." onClose={onClose} size="lg">
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={fieldError(error, ...known) ? null : error} />
        <div className="form-grid">
          <Field label="Name" required error={fieldError(error, 'name')}>
            {(p) => <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} maxLength={100} />}
          </Field>
          {num('rank', 'Rank', '0 is the most severe.')}
        </div>
        <Field label="Definition" hint="When is an incident this severe?">
          {(p) => <textarea {...p} rows={3} value={form.definition} onChange={(e) => set('definition', e.target.value)} maxLength={5000} />}
        </Field>
        <Field label="Examples" hint="One per line.">
          {(p) => <textarea {...p} rows={3} value={form.examplesText} onChange={(e) => set('examplesText', e.target.value)} />}
        </Field>
        <Field label="When to escalate" hint="To a higher level, or to whom, and when." error={fieldError(error, 'whenToEscalate')}>
          {(p) => <textarea {...p} rows={2} value={form.whenToEscalate} onChange={(e) => set('whenToEscalate', e.target.value)} maxLength={2000} />}
        </Field>
        <div className="form-grid form-grid-3">
          {num('ackTargetMinutes', 'Acknowledge within (minutes)')}
          {num('responseTargetMinutes', 'Respond within (minutes)')}
          {num('updateCadenceMinutes', 'Updates every (minutes)')}
        </div>
        <div className="form-grid form-grid-3">
          <Field label="Paging urgency">
            {(p) => (
              <select {...p} value={form.urgency} onChange={(e) => set('urgency', e.target.value as 'high' | 'low')}>
                <option value="high">High</option>
                <option value="low">Low</option>
              </select>
            )}
          </Field>
          <Field label="Escalation policy" hint="Slug or id, paged on declare. Optional.">
            {(p) => <input {...p} value={form.escalationText} onChange={(e) => set('escalationText', e.target.value)} />}
          </Field>
          {num('postmortemDueDays', 'Post-mortem due (days)')}
        </div>
        <Field label="Stakeholder groups" hint="Slack user group ids (S…), mentioned in announcements." error={fieldError(error, 'stakeholderGroups')}>
          {(p) => <input {...p} value={form.groupsText} onChange={(e) => set('groupsText', e.target.value)} placeholder="S0LEADS, S0PMS" />}
        </Field>
        <FieldGroup legend="Rules">
          <label className="checkbox">
            <input type="checkbox" checked={form.companyComms} onChange={(e) => set('companyComms', e.target.checked)} />
            <span>Tell the company (company list and announcements channel)</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={form.incidentChannel} onChange={(e) => set('incidentChannel', e.target.checked)} />
            <span>Create a Slack channel per incident</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={form.postmortemRequired} onChange={(e) => set('postmortemRequired', e.target.checked)} />
            <span>Post-mortem required</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={form.postmortemEmailed} onChange={(e) => set('postmortemEmailed', e.target.checked)} />
            <span>Email the published post-mortem to the company</span>
          </label>
        </FieldGroup>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : `Save ${severity.key}`}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
