/**
 * Settings. Sections are tabs with their own URL; add a section to SECTIONS and a branch below.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, SCOPES, type ApiToken, type Scope } from '../api.ts';
import { Field, FieldGroup, fieldError } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel, TabLinks } from '../components/ui.tsx';
import { formatDateTime, formatRelative } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { scopesForRole, useSession } from '../session.tsx';
import { AuditLogSection } from './AuditLogSection.tsx';
import { IncidentSettingsSection } from './IncidentSettingsSection.tsx';
import { NotificationSettings } from './NotificationSettingsPage.tsx';
import { ImportSection } from './ImportSection.tsx';
import { NotionSettingsSection } from './NotionSettingsSection.tsx';

export const SETTINGS_SECTIONS = [
  { to: '/settings/account', label: 'Account' },
  { to: '/settings/notifications', label: 'Notifications' },
  { to: '/settings/tokens', label: 'API tokens' },
  { to: '/settings/incidents', label: 'Incidents' },
];
const ADMIN_SECTIONS = [
  { to: '/settings/import', label: 'Import' },
  { to: '/settings/notion', label: 'Notion' },
  { to: '/settings/audit', label: 'Audit log' },
];

export function SettingsPage({ section }: { section: 'account' | 'tokens' | 'notifications' | 'incidents' | 'audit' | 'notion' | 'import' }) {
  const { can } = useSession();
  return (
    <>
      <PageHeader title="Settings" description="How you are paged, access to the Vigil API, and where incident news goes." />
      <TabLinks tabs={can('admin') ? [...SETTINGS_SECTIONS, ...ADMIN_SECTIONS] : SETTINGS_SECTIONS} current={`/settings/${section}`} label="Settings sections" />
      {section === 'account' ? <AccountSection /> : null}
      {section === 'tokens' ? <ApiTokensSection /> : null}
      {section === 'notifications' ? <NotificationSettings /> : null}
      {section === 'incidents' ? <IncidentSettingsSection /> : null}
      {section === 'audit' ? <AuditLogSection /> : null}
      {section === 'notion' ? <NotionSettingsSection /> : null}
      {section === 'import' ? <ImportSection /> : null}
    </>
  );
}

/** Your account: change your password (the current one is required). */
function AccountSection() {
  useDocumentTitle('Account');
  const { user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setError(new ApiError(400, 'passwords_differ', 'The new passwords do not match.', { field: 'confirmPassword' }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.me.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Password">
      <p className="panel-intro">
        Signed in as <strong>{user.email}</strong>. To set a new password, give your current one.
      </p>
      {done ? (
        <div className="banner banner-success" role="status">
          Your password was changed.
        </div>
      ) : null}
      <form onSubmit={submit} noValidate className="form-narrow">
        <ErrorBanner error={fieldError(error, 'currentPassword', 'newPassword', 'password', 'confirmPassword') ? null : error} />
        <Field label="Current password" required error={fieldError(error, 'currentPassword')}>
          {(p) => <input {...p} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />}
        </Field>
        <Field label="New password" required hint="At least 10 characters." error={fieldError(error, 'newPassword', 'password')}>
          {(p) => <input {...p} type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />}
        </Field>
        <Field label="Repeat the new password" required error={fieldError(error, 'confirmPassword')}>
          {(p) => <input {...p} type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" />}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </Panel>
  );
}

const SCOPE_HELP: Record<Scope, string> = {
  read: 'Read — view schedules, alerts, incidents and people.',
  write: 'Write — acknowledge and resolve alerts, run incidents, edit schedules.',
  admin: 'Admin — manage users, teams and settings.',
};

type TokenStatus = 'active' | 'revoked' | 'expired';

function statusOf(t: ApiToken, now = Date.now()): TokenStatus {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && new Date(t.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

function ApiTokensSection() {
  useDocumentTitle('API tokens');
  const tokens = useResource(() => api.tokens.list(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: ApiToken; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const list = [...(tokens.data ?? [])].sort((a, b) => {
    const order = { active: 0, expired: 1, revoked: 2 } as const;
    return order[statusOf(a)] - order[statusOf(b)] || new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime();
  });

  return (
    <>
      {created ? <NewSecret name={created.token.name} secret={created.secret} onDone={() => setCreated(null)} /> : null}
      <Panel
        title="API tokens"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={16} /> Create token
          </button>
        }
      >
        <p className="panel-intro">
          Tokens let scripts, CI jobs and monitoring tools call the Vigil API as you. Send one as <code>Authorization: Bearer &lt;token&gt;</code>. A token
          never has more access than your role.
        </p>
        {tokens.loading && !tokens.data ? <Loading label="Loading tokens…" /> : null}
        <ErrorBanner error={tokens.error} title={tokens.data ? undefined : 'Could not load tokens.'} />
        {tokens.data && list.length === 0 ? (
          <EmptyState icon="key" title="No API tokens yet">
            Create a token to connect a script or tool to Vigil.
          </EmptyState>
        ) : null}
        {list.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((t) => {
                  const status = statusOf(t);
                  return (
                    <tr key={t.id} className={status === 'active' ? undefined : 'inactive'}>
                      <td className="strong">{t.name}</td>
                      <td>
                        <span className="badge-row">
                          {t.scopes.map((s) => (
                            <Badge key={s} tone={s === 'admin' ? 'purple' : s === 'write' ? 'blue' : 'neutral'}>
                              {s}
                            </Badge>
                          ))}
                        </span>
                      </td>
                      <td title={formatDateTime(t.createdAt)}>{formatRelative(t.createdAt)}</td>
                      <td title={t.lastUsedAt !== null ? formatDateTime(t.lastUsedAt) : undefined}>
                        {t.lastUsedAt !== null ? formatRelative(t.lastUsedAt) : <span className="muted">Never</span>}
                      </td>
                      <td title={t.expiresAt !== null ? formatDateTime(t.expiresAt) : undefined}>
                        {t.expiresAt !== null ? formatRelative(t.expiresAt) : <span className="muted">Never</span>}
                      </td>
                      <td>
                        {status === 'active' ? <Badge tone="green">Active</Badge> : null}
                        {status === 'expired' ? <Badge tone="amber">Expired</Badge> : null}
                        {status === 'revoked' ? <Badge tone="red">Revoked</Badge> : null}
                      </td>
                      <td className="cell-actions">
                        {status !== 'revoked' ? (
                          <button type="button" className="btn btn-ghost btn-sm btn-danger-text" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>

      {creating ? (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result);
            tokens.setData((cur) => [result.token, ...(cur ?? [])]);
            void tokens.reload();
          }}
        />
      ) : null}
      {revoking ? (
        <RevokeTokenModal
          token={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            const id = revoking.id;
            tokens.setData((cur) => (cur ?? []).map((t) => (t.id === id ? { ...t, revokedAt: t.revokedAt ?? Date.now() } : t)));
            setRevoking(null);
            if (created?.token.id === id) setCreated(null);
            void tokens.reload();
          }}
        />
      ) : null}
    </>
  );
}

const EXPIRY_OPTIONS: Array<{ label: string; days: number | null }> = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never', days: null },
];

function CreateTokenModal({ onClose, onCreated }: { onClose: () => void; onCreated: (r: { token: ApiToken; secret: string }) => void }) {
  const { user, can } = useSession();
  const allowed = SCOPES.filter((s) => scopesForRole(user.role).includes(s) && can(s));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(allowed.filter((s) => s !== 'admin'));
  const [expiry, setExpiry] = useState('90');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (scopes.length === 0) {
      setError('Choose at least one scope.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const days = expiry === 'never' ? undefined : Number(expiry);
      const result = await api.tokens.create({ name: name.trim(), scopes, ...(days ? { expiresInDays: days } : {}) });
      onCreated(result);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Create API token" description="The token is shown once, right after you create it." onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={fieldError(error, 'name') ? null : error} />
        <Field label="Token name" required hint="What uses it, e.g. “Grafana alerts” or “deploy pipeline”." error={fieldError(error, 'name')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus maxLength={100} />}
        </Field>
        <FieldGroup legend="Scopes">
          {SCOPES.map((s) => {
            const ok = allowed.includes(s);
            return (
              <label key={s} className={ok ? 'checkbox' : 'checkbox disabled'}>
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  disabled={!ok}
                  onChange={(e) => setScopes((cur) => (e.target.checked ? SCOPES.filter((x) => x === s || cur.includes(x)) : cur.filter((x) => x !== s)))}
                />
                <span>
                  {SCOPE_HELP[s]}
                  {!ok ? <span className="muted"> (not available to your role)</span> : null}
                </span>
              </label>
            );
          })}
        </FieldGroup>
        <Field label="Expires after" error={fieldError(error, 'expiresInDays')}>
          {(p) => (
            <select {...p} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY_OPTIONS.map((o) => (
                <option key={o.label} value={o.days === null ? 'never' : String(o.days)}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      title={`Token “${name}” created`}
      label="New API token"
      secret={secret}
      warning={
        <>
          <strong>Copy it now — you won’t be able to see it again.</strong> Store it in your secret manager; anyone who has it can act as you within its scopes.
        </>
      }
      onDone={onDone}
    />
  );
}

function RevokeTokenModal({ token, onClose, onRevoked }: { token: ApiToken; onClose: () => void; onRevoked: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`Revoke “${token.name}”?`} onClose={onClose} size="sm">
      <p>Anything using this token stops working immediately. This cannot be undone.</p>
      <ErrorBanner error={error} />
      <ModalActions>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api.tokens.revoke(token.id);
              onRevoked();
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Revoking…' : 'Revoke token'}
        </button>
      </ModalActions>
    </Modal>
  );
}
