/**
 * Report a security issue (anyone signed in, stakeholders too). The report becomes a private
 * incident that only the security owner and the on-call (and the reporter) can see.
 */
import { useState, type FormEvent } from 'react';
import { type Incident } from '../api.ts';
import { triageApi } from '../api-triage.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle } from '../hooks.ts';

const SEVERITIES: Array<{ value: string; label: string }> = [
  { value: 'critical', label: 'Critical (P0)' },
  { value: 'high', label: 'High (P1)' },
  { value: 'medium', label: 'Medium (P2)' },
  { value: 'low', label: 'Low (P3)' },
  { value: 'info', label: 'Info (P4)' },
];

export function SecurityReportPage() {
  useDocumentTitle('Report a security issue');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState('medium');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reported, setReported] = useState<Incident | null>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Give the report a title.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setReported(await triageApi.security.report({ title: title.trim(), description, severity }));
      setTitle('');
      setDescription('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Report a security issue" description="Seen something that could be a vulnerability, a leak or an intrusion? Tell the security owner privately." />
      {reported ? (
        <div className="banner banner-success" role="status">
          <Icon name="shield" />
          <div>
            Reported as {reported.reference ?? `INC-${reported.number}`}; only the security owner and the on-call can see it.
          </div>
        </div>
      ) : null}
      <Panel title="Your report">
        <form onSubmit={(e) => void submit(e)} aria-label="Security report">
          <ErrorBanner error={error} title="Could not send the report." />
          <Field label="Title" required>
            {(p) => <input {...p} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="E.g. Customer emails visible in a public bucket" />}
          </Field>
          <Field label="Description" hint="What you saw, where, and when. Do not paste secrets.">
            {(p) => <textarea {...p} rows={6} value={description} maxLength={20_000} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          <Field label="Severity">
            {(p) => (
              <select {...p} value={severity} onChange={(e) => setSeverity(e.target.value)}>
                {SEVERITIES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="form-buttons">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              <Icon name="send" size={16} /> {busy ? 'Sending…' : 'Send report'}
            </button>
          </div>
        </form>
      </Panel>
    </>
  );
}
