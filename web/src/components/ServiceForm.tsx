/**
 * Create / edit a service: name, team, escalation policy, alerts channel, urgency per priority and
 * the storm threshold.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, PRIORITIES, type EscalationPolicy, type Priority, type Service, type ServiceInput, type Team, type Urgency } from '../api.ts';
import { capitalize } from '../format.ts';
import { Field, fieldError } from './Field.tsx';
import { SlackPicker } from './SlackPicker.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';

const DEFAULT_URGENCY: Record<Priority, Urgency> = { P1: 'high', P2: 'high', P3: 'high', P4: 'low', P5: 'low' };

export function ServiceFormModal({
  service,
  teams,
  policies,
  defaultTeamId,
  onClose,
  onSaved,
}: {
  service?: Service;
  teams: Team[];
  policies: EscalationPolicy[];
  defaultTeamId?: string;
  onClose: () => void;
  onSaved: (s: Service) => void;
}) {
  const [name, setName] = useState(service?.name ?? '');
  const [slug, setSlug] = useState(service?.slug ?? '');
  const [teamId, setTeamId] = useState(service?.teamId ?? defaultTeamId ?? (teams.length === 1 ? teams[0]!.id : ''));
  const [description, setDescription] = useState(service?.description ?? '');
  const [policyId, setPolicyId] = useState(service?.escalationPolicyId ?? '');
  const [channel, setChannel] = useState(service?.alertsChannel ?? '');
  const [urgency, setUrgency] = useState<Record<Priority, Urgency>>({ ...DEFAULT_URGENCY, ...(service?.urgencyRule ?? {}) });
  const [storm, setStorm] = useState(String(service?.stormThreshold ?? 10));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const sortedTeams = [...teams].sort((a, b) => a.name.localeCompare(b.name));
  const teamPolicies = policies.filter((p) => p.teamId === teamId).sort((a, b) => a.name.localeCompare(b.name));
  const otherPolicies = policies.filter((p) => p.teamId !== teamId).sort((a, b) => a.name.localeCompare(b.name));
  const teamName = (id: string): string => teams.find((t) => t.id === id)?.name ?? 'another team';
  const chosen = policies.find((p) => p.id === policyId);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!teamId) {
      setError(new ApiError(400, 'invalid', 'Choose the team that owns this service.', { field: 'teamId' }));
      return;
    }
    const threshold = Number(storm);
    setBusy(true);
    setError(null);
    const input: ServiceInput = {
      name: name.trim(),
      teamId,
      description: description.trim(),
      escalationPolicyId: policyId || null,
      alertsChannel: channel.trim() || null,
      urgencyRule: urgency,
      stormThreshold: Number.isFinite(threshold) ? Math.round(threshold) : 10,
    };
    if (slug.trim()) input.slug = slug.trim();
    try {
      onSaved(service ? await api.services.update(service.id, input) : await api.services.create(input));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fields = ['name', 'slug', 'teamId', 'alertsChannel', 'stormThreshold', 'escalationPolicyId'];
  const blamed = error instanceof ApiError ? error.field : undefined;
  const topError = error && !(blamed && fields.includes(blamed)) ? error : null;

  return (
    <Modal
      title={service ? `Edit ${service.name}` : 'New service'}
      description="A service is something that can break. Alerts for it page through its escalation policy."
      onClose={onClose}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={topError} />
        <div className="form-grid">
          <Field label="Service name" required error={fieldError(error, 'name')} hint="e.g. Checkout API, Payments database.">
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus={!service} maxLength={200} />}
          </Field>
          <Field label="Team" required error={fieldError(error, 'teamId')}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                <option value="">Choose a team…</option>
                {sortedTeams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Description">{(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />}</Field>
        <div className="form-grid">
          <Field
            label="Escalation policy"
            error={fieldError(error, 'escalationPolicyId')}
            hint={policyId ? undefined : 'Without a policy, alerts are recorded but nobody is paged.'}
          >
            {(p) => (
              <select {...p} value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
                <option value="">None — nobody is paged</option>
                {teamPolicies.length ? (
                  <optgroup label="This team">
                    {teamPolicies.map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.name}
                        {x.warnings.length ? ' ⚠' : ''}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
                {otherPolicies.length ? (
                  <optgroup label="Other teams">
                    {otherPolicies.map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.name} ({teamName(x.teamId)}){x.warnings.length ? ' ⚠' : ''}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            )}
          </Field>
          <Field label="Alerts Slack channel" error={fieldError(error, 'alertsChannel')} hint="Every alert is posted and kept up to date there.">
            {(p) => <SlackPicker kind="channel" value={channel} onChange={setChannel} fieldProps={p} />}
          </Field>
        </div>
        {chosen && chosen.warnings.length ? (
          <div className="banner banner-warning" role="alert">
            <div>
              <strong>{chosen.name} would not reach anyone in some steps right now:</strong>
              <ul className="warning-list">
                {chosen.warnings.map((w) => (
                  <li key={w}>{capitalize(w)}</li>
                ))}
              </ul>
            </div>
          </div>
        ) : null}
        <fieldset className="field fieldset">
          <legend className="field-label">Urgency by priority</legend>
          <p className="field-hint">High urgency pages through people’s high-urgency rules at any hour; low urgency waits for their quiet hours to end.</p>
          <div className="urgency-grid">
            {PRIORITIES.map((pr) => (
              <label key={pr} className="urgency-cell">
                <span className="strong">{pr}</span>
                <select aria-label={`Urgency for ${pr}`} value={urgency[pr]} onChange={(e) => setUrgency((u) => ({ ...u, [pr]: e.target.value as Urgency }))}>
                  <option value="high">High</option>
                  <option value="low">Low</option>
                </select>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-grid">
          <Field
            label="Storm threshold"
            error={fieldError(error, 'stormThreshold')}
            hint="When this many alerts arrive within a minute, Vigil sends one summary page instead of one page each."
          >
            {(p) => <input {...p} type="number" min={2} max={10000} value={storm} onChange={(e) => setStorm(e.target.value)} />}
          </Field>
          <Field label="Slug" error={fieldError(error, 'slug')} hint={service ? 'Used in URLs and the API.' : 'Optional; made from the name.'}>
            {(p) => <input {...p} value={slug} onChange={(e) => setSlug(e.target.value.toLowerCase())} placeholder="checkout-api" maxLength={63} className="mono" />}
          </Field>
        </div>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : service ? 'Save changes' : 'Create service'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}
