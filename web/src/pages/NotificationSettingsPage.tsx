/**
 * Settings › Notifications: how the signed-in user is paged. The setup checklist, the linked Slack
 * account, contact methods (added, verified by code, removed), notification rules per urgency as
 * an ordered list, quiet hours, a test page to acknowledge, and the priority levels.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, CONTACT_TYPES, errorMessage, type ContactMethod, type ContactMethods, type ContactType, type NotificationRule, type PageRecord, type TimelineEvent, type Urgency } from '../api.ts';
import { CHANNEL_LABEL, CONTACT_ICON, EventTimeline, PageStatusBadge } from '../components/AlertBits.tsx';
import { Field, fieldError } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { SetupChecklist, useChecklist } from '../components/Readiness.tsx';
import { Badge, ErrorBanner, Loading, Panel } from '../components/ui.tsx';
import { formatMinutes, formatRelative } from '../format.ts';
import { useDocumentTitle, useInterval, useResource, type Resource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

const ADDRESS_HELP: Record<ContactType, { label: string; placeholder: string; hint: string }> = {
  slack_dm: { label: 'Slack user id', placeholder: 'U024BE7LH', hint: 'Your own Slack user id (profile › ⋯ › Copy member ID). Your linked Slack account needs no code.' },
  email: { label: 'Email address', placeholder: 'you@example.com', hint: 'We send a 6-digit code to check it.' },
  sms: { label: 'Mobile number', placeholder: '+14155550123', hint: 'International format. We text a 6-digit code to check it.' },
  voice: { label: 'Phone number', placeholder: '+14155550123', hint: 'International format. We call or text a 6-digit code to check it.' },
  webhook: { label: 'Webhook URL', placeholder: 'https://example.com/hooks/vigil', hint: 'Receives a signed JSON POST for each page; the code is in the first one.' },
};

export const contactName = (c: Pick<ContactMethod, 'type' | 'address' | 'label'>): string => `${CHANNEL_LABEL[c.type] ?? c.type} ${c.label || c.address}`;

/** "Slack DM now, then SMS after 2 minutes". */
export function rulesSentence(rules: NotificationRule[], contacts: ContactMethod[]): string {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const parts = [...rules]
    .sort((a, b) => a.delayMinutes - b.delayMinutes)
    .map((r) => {
      const c = byId.get(r.contactMethodId);
      const what = c ? (CHANNEL_LABEL[c.type] ?? c.type) : 'A removed contact method';
      return `${what} ${r.delayMinutes === 0 ? 'now' : `after ${formatMinutes(r.delayMinutes)}`}`;
    });
  return parts.length ? `${parts.join(', then ')}.` : '';
}

export function NotificationSettings() {
  useDocumentTitle('Notification settings');
  const checklist = useChecklist();
  const contacts = useResource(() => api.notifications.contacts('me'), []);
  const rules = useResource(() => api.notifications.rules('me'), []);
  const changed = (): void => {
    void checklist.reload();
    void contacts.reload();
    void rules.reload();
  };

  // Links from the checklist point at a section (#contact-methods); scroll there once it exists.
  const ready = !!contacts.data && !!rules.data;
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (ready && id) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, [ready]);

  return (
    <div className="settings-stack">
      <SetupChecklist checklist={checklist} variant="full" />
      <SlackPanel onChanged={changed} />
      <ContactMethodsPanel contacts={contacts} onChanged={changed} />
      <RulesPanel contacts={contacts.data?.data} rules={rules} onChanged={changed} />
      <QuietHoursPanel />
      <TestPagePanel onChanged={changed} />
      <SeverityLevelsPanel done={checklist.data?.items.find((i) => i.id === 'severity_levels_read')?.done ?? false} />
    </div>
  );
}

function Section({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div id={id} className="anchor-target">
      {children}
    </div>
  );
}

function SlackPanel({ onChanged }: { onChanged: () => void }) {
  const { user, refresh } = useSession();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(user.slackUserId ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const linked = !!user.slackUserId;

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.users.update(user.id, { slackUserId: value.trim() || null });
      await refresh();
      setEditing(false);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section id="slack">
      <Panel title="Slack account">
        {linked && !editing ? (
          <div className="inline-row">
            <Badge tone="green">Linked</Badge>
            <span>
              Slack user <span className="mono">{user.slackUserId}</span>
            </span>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>
              Change
            </button>
          </div>
        ) : (
          <form onSubmit={save} className="inline-form-wide">
            {!linked ? <p className="panel-intro">Link your Slack account to get pages as Slack DMs and to acknowledge them with one click. You can also run /oncall in Slack once.</p> : null}
            <Field label="Your Slack user id" hint="In Slack: your profile › ⋯ › Copy member ID. It starts with U." error={error ? errorMessage(error) : undefined}>
              {(p) => <input {...p} value={value} onChange={(e) => setValue(e.target.value.trim().toUpperCase())} placeholder="U024BE7LH" className="mono" />}
            </Field>
            <div className="form-buttons">
              {linked ? (
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => setEditing(false)}>
                  Cancel
                </button>
              ) : null}
              <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !value.trim()}>
                {busy ? 'Saving…' : 'Link Slack account'}
              </button>
            </div>
          </form>
        )}
      </Panel>
    </Section>
  );
}

function ContactMethodsPanel({ contacts, onChanged }: { contacts: Resource<ContactMethods>; onChanged: () => void }) {
  const { user } = useSession();
  const [type, setType] = useState<ContactType>(user.slackUserId ? 'slack_dm' : 'email');
  const [address, setAddress] = useState(user.slackUserId ?? user.email);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ contactId: string; text: string } | null>(null);
  const [removing, setRemoving] = useState<ContactMethod | null>(null);
  const list = contacts.data?.data ?? [];
  const warnings = contacts.data?.warnings ?? [];

  const defaultAddress = (t: ContactType): string => (t === 'slack_dm' ? (user.slackUserId ?? '') : t === 'email' ? user.email : t === 'sms' || t === 'voice' ? (user.phone ?? '') : '');

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const c = await api.notifications.addContact({ type, address: address.trim(), ...(label.trim() ? { label: label.trim() } : {}) });
      setNotice({ contactId: c.id, text: c.verifiedAt ? `${contactName(c)} is ready: your linked Slack account needs no code.` : `We sent a code to ${c.address}. Enter it below to verify.` });
      setLabel('');
      contacts.setData((cur) => ({ data: [...(cur?.data ?? []), c], warnings: cur?.warnings ?? [], hidden: cur?.hidden ?? false }));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const help = ADDRESS_HELP[type];
  return (
    <Section id="contact-methods">
      <Panel title="Contact methods">
        <p className="panel-intro">Where pages reach you. Each one is verified before it is used.</p>
        {contacts.loading && !contacts.data ? <Loading /> : null}
        <ErrorBanner error={contacts.error} />
        {warnings.length ? (
          <div className="banner banner-warning" role="alert">
            <Icon name="warning" />
            <div>
              {warnings.map((w) => (
                <div key={w}>
                  <strong>{w.charAt(0).toUpperCase() + w.slice(1)}</strong>
                </div>
              ))}
            </div>
          </div>
        ) : null}
        {notice && !(list.find((c) => c.id === notice.contactId)?.verifiedAt && notice.text.startsWith('We sent')) ? (
          <div className="banner banner-info" role="status">
            <Icon name="send" />
            <div>{notice.text}</div>
          </div>
        ) : null}
        {list.length ? (
          <ul className="contact-list" aria-label="Your contact methods">
            {list.map((c) => (
              <ContactRow key={c.id} contact={c} onChanged={onChanged} onRemove={() => setRemoving(c)} />
            ))}
          </ul>
        ) : contacts.data ? (
          <p className="muted small">No contact methods yet.</p>
        ) : null}

        <form onSubmit={add} className="subform" aria-label="Add a contact method" noValidate>
          <h3 className="subheading">Add a contact method</h3>
          <div className="form-grid form-grid-3">
            <Field label="Type">
              {(p) => (
                <select
                  {...p}
                  value={type}
                  onChange={(e) => {
                    const t = e.target.value as ContactType;
                    setType(t);
                    setAddress(defaultAddress(t));
                    setError(null);
                  }}
                >
                  {CONTACT_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {CHANNEL_LABEL[t]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={help.label} hint={help.hint} error={fieldError(error, 'address')}>
              {(p) => <input {...p} value={address} onChange={(e) => setAddress(e.target.value)} placeholder={help.placeholder} autoComplete="off" />}
            </Field>
            <Field label="Label (optional)">{(p) => <input {...p} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Work phone" maxLength={100} />}</Field>
          </div>
          <ErrorBanner error={fieldError(error, 'address') ? null : error} />
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !address.trim()}>
            <Icon name="plus" size={14} /> {busy ? 'Adding…' : 'Add contact method'}
          </button>
        </form>
      </Panel>
      {removing ? (
        <RemoveContactModal
          contact={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            const id = removing.id;
            setRemoving(null);
            contacts.setData((cur) => ({ data: (cur?.data ?? []).filter((c) => c.id !== id), warnings: cur?.warnings ?? [], hidden: cur?.hidden ?? false }));
            onChanged();
          }}
        />
      ) : null}
    </Section>
  );
}

/** One contact method; unverified ones take the code sent to them. Without `onRemove`, no remove button. */
export function ContactRow({ contact: c, onChanged, onRemove }: { contact: ContactMethod; onChanged: () => void; onRemove?: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'verify' | 'resend' | null>(null);
  const [resent, setResent] = useState(false);
  const name = contactName(c);

  const verify = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy('verify');
    setError(null);
    try {
      await api.notifications.verify(c.id, code.trim());
      setCode('');
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <li className="contact-row" aria-label={name}>
      <span className="contact-icon">
        <Icon name={CONTACT_ICON[c.type]} size={16} />
      </span>
      <div className="grow">
        <div>
          <span className="strong">{CHANNEL_LABEL[c.type]}</span> <span className="mono">{c.address}</span>
          {c.label ? <span className="muted"> · {c.label}</span> : null}{' '}
          {c.verifiedAt ? <Badge tone="green">Verified</Badge> : <Badge tone="amber">Not verified</Badge>}
          {c.disabled ? <Badge tone="neutral">Disabled</Badge> : null}
        </div>
        {!c.verifiedAt ? (
          <form className="verify-form" onSubmit={verify}>
            <input
              aria-label={`Verification code for ${c.address}`}
              inputMode="numeric"
              autoComplete="one-time-code"
              placeholder="6-digit code"
              value={code}
              maxLength={10}
              onChange={(e) => setCode(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
            <button type="submit" className="btn btn-primary btn-sm" disabled={!!busy || code.trim().length < 4}>
              {busy === 'verify' ? 'Verifying…' : 'Verify'}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={!!busy}
              onClick={async () => {
                setBusy('resend');
                setError(null);
                try {
                  await api.notifications.resend(c.id);
                  setResent(true);
                } catch (err) {
                  setError(errorMessage(err));
                } finally {
                  setBusy(null);
                }
              }}
            >
              {busy === 'resend' ? 'Sending…' : 'Resend code'}
            </button>
            {resent && !error ? <span className="small muted">A new code is on its way.</span> : null}
            {error ? (
              <p className="field-error verify-error" role="alert">
                {error}
              </p>
            ) : null}
          </form>
        ) : null}
      </div>
      {onRemove ? (
        <button type="button" className="icon-button danger" aria-label={`Remove ${name}`} onClick={onRemove}>
          <Icon name="trash" size={16} />
        </button>
      ) : null}
    </li>
  );
}

function RemoveContactModal({ contact, onClose, onRemoved }: { contact: ContactMethod; onClose: () => void; onRemoved: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`Remove ${contactName(contact)}?`} onClose={onClose} size="sm">
      <p>Its notification rules are removed too. Pages stop going there at once.</p>
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
            try {
              await api.notifications.removeContact(contact.id);
              onRemoved();
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Removing…' : 'Remove'}
        </button>
      </ModalActions>
    </Modal>
  );
}

function RulesPanel({ contacts, rules, onChanged }: { contacts: ContactMethod[] | undefined; rules: Resource<NotificationRule[]>; onChanged: () => void }) {
  return (
    <Section id="rules">
      <Panel title="Notification rules">
        <p className="panel-intro">
          When you are paged, each rule fires at its time until you acknowledge. A contact method that fails hands over to the next rule at once.
        </p>
        {rules.loading && !rules.data ? <Loading /> : null}
        <ErrorBanner error={rules.error} />
        {rules.data && contacts ? (
          <div className="rules-grid">
            <UrgencyRules urgency="high" rules={rules.data} contacts={contacts} onChanged={onChanged} />
            <UrgencyRules urgency="low" rules={rules.data} contacts={contacts} onChanged={onChanged} />
          </div>
        ) : null}
      </Panel>
    </Section>
  );
}

function UrgencyRules({ urgency, rules, contacts, onChanged }: { urgency: Urgency; rules: NotificationRule[]; contacts: ContactMethod[]; onChanged: () => void }) {
  const mine = rules.filter((r) => r.urgency === urgency).sort((a, b) => a.delayMinutes - b.delayMinutes);
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const usable = contacts.filter((c) => !c.disabled);
  const [contactId, setContactId] = useState('');
  const [delay, setDelay] = useState('0');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const title = urgency === 'high' ? 'High urgency' : 'Low urgency';
  const chosen = contactId || usable.find((c) => c.verifiedAt)?.id || usable[0]?.id || '';

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.notifications.addRule({ urgency, contactMethodId: chosen, delayMinutes: Math.round(Number(delay)) });
      setDelay(String(Math.max(Number(delay), 0) + 2));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="rules-col" aria-label={`${title} rules`}>
      <h3 className="subheading">
        {title}
        <span className="muted small">{urgency === 'high' ? ' · pages at any hour' : ' · waits for your quiet hours to end'}</span>
      </h3>
      {mine.length ? (
        <>
          <p className="rules-sentence">{rulesSentence(mine, contacts)}</p>
          <ol className="rule-list">
            {mine.map((r) => {
              const c = byId.get(r.contactMethodId);
              const when = r.delayMinutes === 0 ? 'Immediately' : `After ${formatMinutes(r.delayMinutes)}`;
              return (
                <li key={r.id} className="rule-row">
                  <span className="rule-when">{when}</span>
                  <span className="grow">
                    {c ? (
                      <>
                        <Icon name={CONTACT_ICON[c.type]} size={14} /> {CHANNEL_LABEL[c.type]} <span className="mono small">{c.address}</span>
                        {!c.verifiedAt ? <span className="text-warning small"> · not used until verified</span> : null}
                      </>
                    ) : (
                      <span className="muted">Removed contact method</span>
                    )}
                  </span>
                  <button
                    type="button"
                    className="icon-button sm danger"
                    aria-label={`Remove rule: ${c ? CHANNEL_LABEL[c.type] : 'contact method'} ${when.toLowerCase()} (${urgency} urgency)`}
                    onClick={async () => {
                      try {
                        await api.notifications.removeRule(r.id);
                        onChanged();
                      } catch (err) {
                        setError(err);
                      }
                    }}
                  >
                    <Icon name="trash" size={14} />
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p className={urgency === 'high' ? 'text-warning small' : 'muted small'}>
          {urgency === 'high' ? 'No rules: high-urgency pages go to every verified contact method at once.' : 'No rules: low-urgency pages go to every verified contact method at once.'}
        </p>
      )}
      {usable.length ? (
        <form onSubmit={add} className="rule-form" aria-label={`Add a ${urgency}-urgency rule`}>
          <select aria-label={`Contact method for ${urgency} urgency`} value={chosen} onChange={(e) => setContactId(e.target.value)}>
            {usable.map((c) => (
              <option key={c.id} value={c.id}>
                {CHANNEL_LABEL[c.type]} {c.label || c.address}
                {c.verifiedAt ? '' : ' (not verified)'}
              </option>
            ))}
          </select>
          <label className="rule-delay">
            after
            <input type="number" min={0} max={240} aria-label={`Minutes after the page starts (${urgency} urgency)`} value={delay} onChange={(e) => setDelay(e.target.value)} />
            min
          </label>
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !chosen}>
            <Icon name="plus" size={14} /> Add rule
          </button>
        </form>
      ) : (
        <p className="muted small">Add a contact method first.</p>
      )}
      {error ? <ErrorBanner error={error} /> : null}
    </section>
  );
}

function QuietHoursPanel() {
  const { user } = useSession();
  const [on, setOn] = useState(false);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('07:00');
  const [saved, setSaved] = useState<{ quietStart: string | null; quietEnd: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSaved(await api.notifications.setQuietHours(on ? { start, end } : null));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section id="quiet-hours">
      <Panel title="Quiet hours">
        <p className="panel-intro">
          Low-urgency pages wait until your quiet hours end. High-urgency pages always come through. Times are in your zone, {user.timeZone}.
        </p>
        <form onSubmit={save} className="quiet-form">
          <label className="checkbox">
            <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
            <span>Hold low-urgency pages during quiet hours</span>
          </label>
          <div className="inline-row">
            <label className="inline-label">
              From
              <input type="time" value={start} disabled={!on} onChange={(e) => setStart(e.target.value)} aria-label="Quiet hours start" />
            </label>
            <label className="inline-label">
              to
              <input type="time" value={end} disabled={!on} onChange={(e) => setEnd(e.target.value)} aria-label="Quiet hours end" />
            </label>
            <button type="submit" className="btn btn-secondary btn-sm" disabled={busy}>
              {busy ? 'Saving…' : 'Save quiet hours'}
            </button>
          </div>
          <ErrorBanner error={error} />
          {saved ? (
            <p className="small readiness-ok" role="status">
              <Icon name="check" size={14} /> {saved.quietStart ? `Saved: quiet from ${saved.quietStart} to ${saved.quietEnd}.` : 'Saved: quiet hours are off.'}
            </p>
          ) : null}
        </form>
      </Panel>
    </Section>
  );
}

function TestPagePanel({ onChanged }: { onChanged: () => void }) {
  const recent = useResource(() => api.pages.list(), []);
  const [pageId, setPageId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Without a page sent here, show the latest test page that still waits for an acknowledgement.
  const pending = recent.data?.filter((p) => p.sourceType === 'test' && (p.status === 'active' || p.status === 'exhausted')).sort((a, b) => b.createdAt - a.createdAt)[0];
  const shownId = pageId ?? pending?.id ?? null;

  return (
    <Section id="test-page">
      <Panel
        title="Test page"
        actions={
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                const p = await api.pages.sendTest();
                setPageId(p.id);
              } catch (err) {
                setError(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Icon name="send" size={14} /> {busy ? 'Sending…' : 'Send test page'}
          </button>
        }
      >
        <p className="panel-intro">Sends you a page through your high-urgency rules, exactly like a real one. Acknowledge it where it arrives, or here.</p>
        <ErrorBanner error={error} />
        {shownId ? <PageStatusCard key={shownId} pageId={shownId} onAcknowledged={onChanged} /> : null}
      </Panel>
    </Section>
  );
}

/** A page's status, what was sent, and an Acknowledge button; refreshes every 2 seconds until settled. */
export function PageStatusCard({ pageId, onAcknowledged }: { pageId: string; onAcknowledged?: (p: PageRecord) => void }) {
  const { user } = useSession();
  const res = useResource(() => api.pages.get(pageId), [pageId]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const settled = res.data?.page.status === 'acknowledged' || res.data?.page.status === 'cancelled';
  useInterval(() => {
    if (!settled) void res.reload();
  }, 2_000);
  if (!res.data) return res.loading ? <Loading label="Loading page…" /> : <ErrorBanner error={res.error} />;
  const { page, timeline } = res.data;
  const nameOf = (id: string | null | undefined): string => (id === user.id ? `${user.name} (you)` : (id ?? 'Someone'));
  const events: TimelineEvent[] = timeline;
  return (
    <div className={`page-card is-${page.status}`} aria-label="Page status">
      <div className="page-card-head">
        <div>
          <div className="strong">{page.subject}</div>
          <div className="muted small">
            {page.urgency === 'high' ? 'High' : 'Low'} urgency · sent {formatRelative(page.createdAt)}
          </div>
        </div>
        <PageStatusBadge status={page.status} />
        {page.status === 'active' || page.status === 'exhausted' ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                const p = await api.pages.acknowledge(page.id);
                res.setData((cur) => (cur ? { ...cur, page: p } : cur!));
                void res.reload();
                onAcknowledged?.(p);
              } catch (err) {
                setError(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Icon name="check" size={16} /> {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        ) : null}
      </div>
      {page.status === 'exhausted' ? (
        <div className="banner banner-warning" role="alert">
          <Icon name="warning" />
          <div>
            <strong>This page reached nobody.</strong> Check your contact methods and rules above.
          </div>
        </div>
      ) : null}
      {page.status === 'acknowledged' ? (
        <p className="readiness-ok small" role="status">
          <Icon name="check" size={14} /> Acknowledged {page.acknowledgedVia ? `via ${page.acknowledgedVia}` : ''} {formatRelative(page.acknowledgedAt)}.
        </p>
      ) : null}
      <ErrorBanner error={error} />
      <EventTimeline events={events} nameOf={nameOf} label="Page timeline" order="oldest" />
      <Link to={`/pages/${encodeURIComponent(page.id)}`} className="small">
        Open this page
      </Link>
    </div>
  );
}

const LEVELS: Array<{ p: string; title: string; text: string }> = [
  { p: 'P1', title: 'Critical', text: 'Customers are badly affected right now (outage, data loss, security). Page at once; declare an incident.' },
  { p: 'P2', title: 'High', text: 'A major feature is broken or degraded for many. Page at once.' },
  { p: 'P3', title: 'Moderate', text: 'Something is wrong but has a workaround or limited reach. Pages by default.' },
  { p: 'P4', title: 'Low', text: 'Minor issue; can wait for working hours. Low urgency by default.' },
  { p: 'P5', title: 'Informational', text: 'Worth knowing, no action needed now. Low urgency by default.' },
];

function SeverityLevelsPanel({ done }: { done: boolean }) {
  return (
    <Section id="severity-levels">
      <Panel title="Priority levels">
        <p className="panel-intro">Each service decides which priorities are high urgency (page at any hour) and which are low (wait for quiet hours to end).</p>
        <dl className="levels">
          {LEVELS.map((l) => (
            <div key={l.p} className="level">
              <dt>
                <span className={`prio prio-${l.p}`}>{l.p}</span> {l.title}
              </dt>
              <dd>{l.text}</dd>
            </div>
          ))}
        </dl>
        <p className="panel-intro">
          Incidents have their own severity levels (P0 to P4): what each means, how fast we respond and who is told.
        </p>
        {done ? (
          <p className="readiness-ok small">
            <Icon name="check" size={14} /> You have read the incident severity levels. <Link to="/severities">Open them</Link>
          </p>
        ) : (
          <Link to="/severities" className="btn btn-secondary btn-sm">
            Read the incident severity levels
          </Link>
        )}
      </Panel>
    </Section>
  );
}
