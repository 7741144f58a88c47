/**
 * Report a security issue (anyone signed in, stakeholders too). The report becomes a private
 * incident that only the security owner and the on-call (and the reporter) can see.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Incident } from '../api.ts';
import { triageApi } from '../api-triage.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle } from '../hooks.ts';

/**
 * The form sends the severity KEY, so the label is exactly the level created. The labels come from
 * the severity document; these are the default levels, shown until (or if) it cannot be loaded.
 */
const DEFAULT_LEVELS: Array<{ key: string; name: string }> = [
  { key: 'P0', name: 'Critical' },
  { key: 'P1', name: 'Major' },
  { key: 'P2', name: 'Significant' },
  { key: 'P3', name: 'Minor' },
  { key: 'P4', name: 'Low' },
];

export function SecurityReportPage() {
  useDocumentTitle('Report a security issue');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState('P2');
  const [levels, setLevels] = useState(DEFAULT_LEVELS);
  useEffect(() => {
    let live = true;
    api.severities
      .list()
      .then((list) => {
        if (live && list.length) setLevels([...list].sort((a, b) => a.rank - b.rank).map((l) => ({ key: l.key, name: l.name })));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
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
                {levels.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.name} ({s.key})
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
