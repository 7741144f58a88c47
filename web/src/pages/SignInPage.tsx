import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner } from '../components/ui.tsx';
import { Field } from '../components/Field.tsx';
import { useDocumentTitle } from '../hooks.ts';

export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => Promise<void>; notice?: string | undefined }) {
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.auth.login(email.trim(), password);
      await onSignedIn();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="signin-screen">
      <main className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark brand-mark-lg">
            <Icon name="pulse" size={22} />
          </span>
          <span className="signin-brand-name">Vigil</span>
        </div>
        <h1 className="signin-title">Sign in</h1>
        <p className="signin-subtitle">On-call schedules, alerts and incidents for your teams.</p>
        {notice && !error ? (
          <div className="banner banner-info" role="status">
            {notice}
          </div>
        ) : null}
        <ErrorBanner error={error} />
        <form onSubmit={submit} noValidate>
          <Field label="Email">
            {(p) => (
              <input {...p} type="email" name="email" autoComplete="username" autoFocus required value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Field label="Password">
            {(p) => (
              <input
                {...p}
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
