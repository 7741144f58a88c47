/**
 * The pages behind links sent by email or SMS, open without signing in: accepting an invite (choose
 * a name and password, join the team) and confirming a contact method.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, call, type ResponseOf } from '../api.ts';
import { Field, fieldError } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, Loading } from '../components/ui.tsx';
import { browserTimeZone } from '../format.ts';
import { useDocumentTitle } from '../hooks.ts';

type PublicInvite = ResponseOf<'/invites/by-token/{token}', 'get'>;

function Card({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  return (
    <div className="signin-screen">
      <main className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark brand-mark-lg">
            <Icon name="pulse" size={22} />
          </span>
          <span className="signin-brand-name">Vigil</span>
        </div>
        <h1 className="signin-title">{title}</h1>
        {subtitle ? <p className="signin-subtitle">{subtitle}</p> : null}
        {children}
      </main>
    </div>
  );
}

export function InvitePage({ token, onJoined }: { token: string; onJoined: () => Promise<void> }) {
  useDocumentTitle('Join Vigil');
  const [invite, setInvite] = useState<PublicInvite | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call('get', '/invites/by-token/{token}', { path: { token }, quiet401: true })
      .then((i) => {
        setInvite(i);
        setName(i.name);
      })
      .catch(setLoadError);
  }, [token]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!name.trim()) return setError(new ApiError(400, 'invalid', 'Enter your name.', { field: 'name' }));
    if (password.length < 10) return setError(new ApiError(400, 'weak_password', 'Choose a password of at least 10 characters.', { field: 'password' }));
    if (password !== confirm) return setError(new ApiError(400, 'invalid', 'The two passwords differ.', { field: 'confirm' }));
    setBusy(true);
    setError(null);
    try {
      await call('post', '/invites/by-token/{token}/accept', { path: { token }, body: { name: name.trim(), password, timeZone: browserTimeZone() }, quiet401: true });
      await onJoined();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <Card title="This invite cannot be used" subtitle="Ask whoever invited you for a new link.">
        <ErrorBanner error={loadError} />
        <a className="btn btn-block" href="/login">
          Sign in instead
        </a>
      </Card>
    );
  }
  if (!invite) return <Loading label="Opening your invite…" />;
  return (
    <Card title={invite.team ? `Join ${invite.team.name} on Vigil` : 'Join Vigil'} subtitle={`You were invited as ${invite.email}. Choose your name and a password.`}>
      <ErrorBanner error={fieldError(error, 'name', 'password', 'confirm') ? null : error} />
      <form onSubmit={submit} noValidate>
        <Field label="Your name" error={fieldError(error, 'name')}>
          {(p) => <input {...p} name="name" autoComplete="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />}
        </Field>
        <Field label="Password" hint="At least 10 characters." error={fieldError(error, 'password')}>
          {(p) => <input {...p} type="password" name="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label="Password again" error={fieldError(error, 'confirm')}>
          {(p) => <input {...p} type="password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Joining…' : 'Join'}
        </button>
      </form>
    </Card>
  );
}

export function VerifyContactPage({ token }: { token: string }) {
  useDocumentTitle('Confirm contact method');
  const [state, setState] = useState<{ kind: 'ready' } | { kind: 'busy' } | { kind: 'done'; type: string; address: string } | { kind: 'error'; error: unknown }>({ kind: 'ready' });
  // A button, not an automatic request: mail scanners that open links must not confirm anything.
  const confirm = async () => {
    setState({ kind: 'busy' });
    try {
      const c = await call('post', '/contact-methods/verify-link', { body: { token }, quiet401: true });
      setState({ kind: 'done', type: c.type, address: c.address });
    } catch (err) {
      setState({ kind: 'error', error: err });
    }
  };
  if (state.kind === 'done') {
    return (
      <Card title="Confirmed" subtitle={`Vigil will reach you at ${state.address} (${state.type.replace('_', ' ')}).`}>
        <a className="btn btn-primary btn-block" href="/settings/notifications">
          Open your notification settings
        </a>
      </Card>
    );
  }
  return (
    <Card title="Confirm this contact method" subtitle="Vigil pages you here when you are on call.">
      {state.kind === 'error' ? <ErrorBanner error={state.error} /> : null}
      <button type="button" className="btn btn-primary btn-block" disabled={state.kind === 'busy'} onClick={() => void confirm()}>
        {state.kind === 'busy' ? 'Confirming…' : 'Confirm'}
      </button>
    </Card>
  );
}
