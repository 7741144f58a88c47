/**
 * Notion (admin): the integration token and the databases that receive post-mortems and shift
 * reports. Values set here win over the configuration; the token is never shown again.
 */
import { useState, type FormEvent } from 'react';
import { call, type ResponseOf } from '../api.ts';
import { Field, fieldError } from '../components/Field.tsx';
import { ErrorBanner, Loading, Panel } from '../components/ui.tsx';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { useSession } from '../session.tsx';

type CheckResult = ResponseOf<'/settings/notion/check', 'post'>;

/** Accepts the database URL or its id; Notion ids are the 32 hex characters in the URL. */
const idFrom = (s: string): string => /([0-9a-f]{32})(?:\?|$)/i.exec(s.replace(/-/g, ''))?.[1] ?? s.trim();

export function NotionSettingsSection() {
  useDocumentTitle('Notion settings');
  const session = useSession();
  const isAdmin = session.user.role === 'admin' && session.can('admin');
  const view = useResource(() => call('get', '/settings/notion'), []);
  const [token, setToken] = useState('');
  const [pm, setPm] = useState<string | null>(null);
  const [reports, setReports] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [saved, setSaved] = useState(false);

  if (!isAdmin) return <p className="muted">Only admins change where post-mortems and shift reports are published.</p>;
  if (view.loading && !view.data) return <Loading label="Loading…" />;
  if (view.error) return <ErrorBanner error={view.error} />;
  const v = view.data!;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const body: Record<string, string | null> = {};
    if (token.trim()) body.token = token.trim();
    if (pm !== null) body.postmortemsDatabaseId = pm.trim() ? idFrom(pm) : null;
    if (reports !== null) body.reportsDatabaseId = reports.trim() ? idFrom(reports) : null;
    if (Object.keys(body).length === 0) return;
    try {
      view.setData(await call('put', '/settings/notion', { body }));
      setToken('');
      setSaved(true);
      setCheck(await call('post', '/settings/notion/check'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="settings-stack">
      <Panel title="Publish to Notion">
        <p className="panel-intro">
          Post-mortems (kept up to date on every edit) and sent shift reports become pages in the Notion databases you pick. Share each database with your Notion integration.
          Vigil fills the title and, where the database has them, the <span className="mono">Severity</span>, <span className="mono">Date</span>, <span className="mono">Status</span> and{' '}
          <span className="mono">Link</span> properties.
        </p>
        <ErrorBanner error={fieldError(error, 'token', 'postmortemsDatabaseId', 'reportsDatabaseId') ? null : error} />
        {saved ? (
          <div className="banner banner-success" role="status">
            Saved.
          </div>
        ) : null}
        <div className="form-grid">
          <Field label="Integration token" hint={v.tokenSource === 'config' ? 'Set in the configuration (VIGIL_NOTION_TOKEN); enter one to override it.' : v.tokenSource === 'settings' ? 'A token is set; enter a new one to replace it.' : 'From your Notion integration (secret_… or ntn_…).'} error={fieldError(error, 'token')}>
            {(p) => <input {...p} type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" placeholder={v.tokenSource ? '••••••••' : ''} />}
          </Field>
          <Field label="Post-mortems database" hint="The database's URL or id." error={fieldError(error, 'postmortemsDatabaseId')}>
            {(p) => <input {...p} value={pm ?? v.postmortemsDatabaseId ?? ''} onChange={(e) => setPm(e.target.value)} className="mono" autoComplete="off" />}
          </Field>
          <Field label="Shift reports database" hint="The database's URL or id." error={fieldError(error, 'reportsDatabaseId')}>
            {(p) => <input {...p} value={reports ?? v.reportsDatabaseId ?? ''} onChange={(e) => setReports(e.target.value)} className="mono" autoComplete="off" />}
          </Field>
        </div>
        <div className="btn-row">
          <button type="submit" className="btn btn-primary">
            Save
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={async () => {
              try {
                setCheck(await call('post', '/settings/notion/check'));
              } catch (err) {
                setError(err);
              }
            }}
          >
            Check access
          </button>
        </div>
        {check ? (
          <div className={check.ok ? 'banner banner-success' : 'banner banner-warning'} role="status">
            <div>
              {check.databases.map((d) => (
                <p key={d.use}>
                  {d.use === 'postmortems' ? 'Post-mortems' : 'Shift reports'}: <strong>{d.title || d.id}</strong> ({d.properties.join(', ')})
                </p>
              ))}
              {check.problems.map((x) => (
                <p key={x}>{x}</p>
              ))}
            </div>
          </div>
        ) : null}
      </Panel>
    </form>
  );
}
