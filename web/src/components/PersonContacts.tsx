/**
 * Someone else's contact methods, for an admin or the lead of one of the person's teams setting up a
 * new member: the list with its verification state, and a form to add one. Vigil sends a code (and a
 * link) to the new address; it pages only once the code is entered here or by the person, or the link
 * is followed. Only the person and admins remove contact methods.
 */
import { useState, type FormEvent } from 'react';
import { api, CONTACT_TYPES, type ContactMethod, type ContactType, type User } from '../api.ts';
import { ContactRow } from '../pages/NotificationSettingsPage.tsx';
import { CHANNEL_LABEL } from './AlertBits.tsx';
import { Field, fieldError } from './Field.tsx';
import { Icon } from './Icon.tsx';
import { Modal } from './Modal.tsx';
import { ErrorBanner, Loading } from './ui.tsx';
import { useResource } from '../hooks.ts';

const ADDRESS: Record<ContactType, { label: string; placeholder: string }> = {
  slack_dm: { label: 'Slack user id', placeholder: 'U024BE7LH' },
  email: { label: 'Email address', placeholder: 'name@example.com' },
  sms: { label: 'Mobile number', placeholder: '+14155550123' },
  voice: { label: 'Phone number', placeholder: '+14155550123' },
  webhook: { label: 'Webhook URL', placeholder: 'https://example.com/hooks/vigil' },
};

export function PersonContactsModal({ user, onClose }: { user: User; onClose: () => void }) {
  const contacts = useResource(() => api.notifications.contacts(user.id), [user.id]);
  const [type, setType] = useState<ContactType>('email');
  const [address, setAddress] = useState(user.email);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<ContactMethod | null>(null);
  const list = contacts.data?.data ?? [];
  const warnings = contacts.data?.warnings ?? [];

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSentTo(null);
    try {
      const c = await api.notifications.addContact({ type, address: address.trim(), ...(label.trim() ? { label: label.trim() } : {}) }, user.id);
      setSentTo(c);
      setLabel('');
      setAddress('');
      void contacts.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const help = ADDRESS[type];
  return (
    <Modal title={`Contact methods of ${user.name}`} description="Where pages reach this person. Each one is verified with a code sent to it before it is used." onClose={onClose} size="lg">
      {contacts.loading && !contacts.data ? <Loading /> : null}
      <ErrorBanner error={contacts.error} />
      {warnings.length ? (
        <div className="banner banner-warning" role="alert">
          <Icon name="warning" />
          <div>
            {warnings.map((w) => (
              <div key={w}>{w.charAt(0).toUpperCase() + w.slice(1)}</div>
            ))}
          </div>
        </div>
      ) : null}
      {sentTo && !list.find((c) => c.id === sentTo.id)?.verifiedAt ? (
        <div className="banner banner-info" role="status">
          <Icon name="send" />
          <div>
            {sentTo.verifiedAt
              ? `${CHANNEL_LABEL[sentTo.type]} ${sentTo.address} is ready.`
              : `We sent a code to ${sentTo.address}. Enter it below when ${user.name} has it, or they follow the link in the message.`}
          </div>
        </div>
      ) : null}
      {list.length ? (
        <ul className="contact-list" aria-label={`Contact methods of ${user.name}`}>
          {list.map((c) => (
            <ContactRow key={c.id} contact={c} onChanged={() => void contacts.reload()} />
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
                  setAddress(t === 'email' ? user.email : t === 'slack_dm' ? (user.slackUserId ?? '') : t === 'sms' || t === 'voice' ? (user.phone ?? '') : '');
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
          <Field label={help.label} error={fieldError(error, 'address')}>
            {(p) => <input {...p} value={address} onChange={(e) => setAddress(e.target.value)} placeholder={help.placeholder} autoComplete="off" />}
          </Field>
          <Field label="Label (optional)">{(p) => <input {...p} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Work phone" maxLength={100} />}</Field>
        </div>
        <ErrorBanner error={fieldError(error, 'address') ? null : error} />
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !address.trim()}>
          <Icon name="plus" size={14} /> {busy ? 'Adding…' : 'Add and send a code'}
        </button>
      </form>
    </Modal>
  );
}
