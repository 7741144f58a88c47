/**
 * Escalation policies: the readable summary of a policy's steps (`PolicySteps`) and the
 * create / edit form with its step editor.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type EscalationPolicy, type EscalationStep, type EscalationTarget, type PolicyInput, type Schedule, type TargetType, type Team, type User } from '../api.ts';
import { formatMinutes } from '../format.ts';
import { Field, fieldError } from './Field.tsx';
import { Icon, type IconName } from './Icon.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { ErrorBanner } from './ui.tsx';

export interface Directory {
  users: User[];
  teams: Team[];
  schedules: Schedule[];
}

const TARGET_LABEL: Record<TargetType, string> = { schedule: 'On call for schedule', user: 'Person', team: 'Whole team', slack_channel: 'Slack channel' };
const TARGET_ICON: Record<TargetType, IconName> = { schedule: 'calendar', user: 'users', team: 'users', slack_channel: 'message' };

export function targetName(t: EscalationTarget, dir: Directory): string {
  switch (t.type) {
    case 'schedule': {
      const s = dir.schedules.find((x) => x.id === t.id || x.slug === t.id);
      return s ? `On call: ${s.name}` : `Schedule ${t.id}`;
    }
    case 'user':
      return dir.users.find((x) => x.id === t.id)?.name ?? t.id;
    case 'team': {
      const team = dir.teams.find((x) => x.id === t.id);
      return team ? `Everyone in ${team.name}` : `Team ${t.id}`;
    }
    case 'slack_channel':
      return `Slack #${t.id}`;
  }
}

/** The steps of a policy as an ordered list: who is notified, and when it moves on. */
export function PolicySteps({ policy, dir }: { policy: Pick<EscalationPolicy, 'steps' | 'repeat'>; dir: Directory }) {
  return (
    <ol className="policy-steps">
      {policy.steps.map((s, i) => (
        <li key={i} className="policy-step">
          <span className="policy-step-num" aria-hidden="true">
            {i + 1}
          </span>
          <div>
            <div className="policy-targets">
              {s.targets.map((t, j) => (
                <span key={j} className="target-chip">
                  <Icon name={TARGET_ICON[t.type]} size={13} />
                  {targetName(t, dir)}
                </span>
              ))}
            </div>
            <div className="muted small">
              {i + 1 < policy.steps.length
                ? `Not acknowledged after ${formatMinutes(s.delayMinutes)} → step ${i + 2}`
                : policy.repeat > 0
                  ? `Not acknowledged after ${formatMinutes(s.delayMinutes)} → start again from step 1 (${policy.repeat === 1 ? 'once more' : `${policy.repeat} more times`})`
                  : 'Last step'}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

interface StepDraft {
  key: number;
  delayMinutes: string;
  targets: EscalationTarget[];
}

let stepKey = 0;
const draftOf = (s: EscalationStep): StepDraft => ({ key: ++stepKey, delayMinutes: String(s.delayMinutes), targets: [...s.targets] });

export function PolicyFormModal({
  policy,
  dir,
  defaultTeamId,
  onClose,
  onSaved,
}: {
  policy?: EscalationPolicy;
  dir: Directory;
  defaultTeamId?: string;
  onClose: () => void;
  onSaved: (p: EscalationPolicy) => void;
}) {
  const [name, setName] = useState(policy?.name ?? '');
  const [teamId, setTeamId] = useState(policy?.teamId ?? defaultTeamId ?? (dir.teams.length === 1 ? dir.teams[0]!.id : ''));
  const [description, setDescription] = useState(policy?.description ?? '');
  const [repeat, setRepeat] = useState(String(policy?.repeat ?? 0));
  const [steps, setSteps] = useState<StepDraft[]>(() => (policy?.steps.length ? policy.steps.map(draftOf) : [{ key: ++stepKey, delayMinutes: '5', targets: [] }]));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const update = (key: number, patch: Partial<StepDraft>): void => setSteps((cur) => cur.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const move = (i: number, d: -1 | 1): void =>
    setSteps((cur) => {
      const next = [...cur];
      const [s] = next.splice(i, 1);
      next.splice(i + d, 0, s!);
      return next;
    });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const empty = steps.findIndex((s) => s.targets.length === 0);
    if (empty !== -1) {
      setError(`Step ${empty + 1} notifies nobody: add at least one target.`);
      return;
    }
    if (!teamId) {
      setError(new ApiError(400, 'invalid', 'Choose the team that owns this policy.', { field: 'teamId' }));
      return;
    }
    const input: PolicyInput = {
      name: name.trim(),
      teamId,
      description: description.trim(),
      repeat: Number(repeat),
      steps: steps.map((s) => ({ delayMinutes: Math.round(Number(s.delayMinutes)), targets: s.targets })),
    };
    setBusy(true);
    setError(null);
    try {
      onSaved(policy ? await api.policies.update(policy.id, input) : await api.policies.create(input));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const blamed = error instanceof ApiError ? error.field : undefined;
  const topError = error && !(blamed && ['name', 'teamId', 'repeat'].includes(blamed)) ? error : null;

  return (
    <Modal
      title={policy ? `Edit ${policy.name}` : 'New escalation policy'}
      description="Who is notified when an alert opens, and who next if nobody acknowledges."
      onClose={onClose}
      size="xl"
    >
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label="Policy name" required error={fieldError(error, 'name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus={!policy} maxLength={200} placeholder="Payments default" />}
          </Field>
          <Field label="Team" required error={fieldError(error, 'teamId')}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                <option value="">Choose a team…</option>
                {[...dir.teams]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Description">{(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />}</Field>

        <h3 className="form-section-title">Steps</h3>
        <ol className="step-editor">
          {steps.map((s, i) => (
            <li key={s.key} className="step-card" aria-label={`Step ${i + 1}`}>
              <div className="step-card-head">
                <span className="policy-step-num" aria-hidden="true">
                  {i + 1}
                </span>
                <span className="strong">Step {i + 1}: notify</span>
                <span className="step-tools">
                  <button type="button" className="icon-button sm" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    <Icon name="arrowUp" size={14} />
                  </button>
                  <button type="button" className="icon-button sm" aria-label={`Move step ${i + 1} down`} disabled={i === steps.length - 1} onClick={() => move(i, 1)}>
                    <Icon name="arrowDown" size={14} />
                  </button>
                  <button
                    type="button"
                    className="icon-button sm danger"
                    aria-label={`Remove step ${i + 1}`}
                    disabled={steps.length === 1}
                    onClick={() => setSteps((cur) => cur.filter((x) => x.key !== s.key))}
                  >
                    <Icon name="trash" size={14} />
                  </button>
                </span>
              </div>
              {s.targets.length ? (
                <ul className="policy-targets" aria-label={`Targets of step ${i + 1}`}>
                  {s.targets.map((t, j) => (
                    <li key={`${t.type}:${t.id}`} className="target-chip">
                      <Icon name={TARGET_ICON[t.type]} size={13} />
                      {targetName(t, dir)}
                      <button type="button" className="tag-remove" aria-label={`Remove ${targetName(t, dir)} from step ${i + 1}`} onClick={() => update(s.key, { targets: s.targets.filter((_, k) => k !== j) })}>
                        <Icon name="x" size={12} />
                      </button>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="field-error small">Nobody yet — add who this step notifies.</p>
              )}
              <TargetPicker
                step={i + 1}
                dir={dir}
                teamId={teamId}
                onAdd={(t) => {
                  if (!s.targets.some((x) => x.type === t.type && x.id === t.id)) update(s.key, { targets: [...s.targets, t] });
                }}
              />
              <div className="step-delay">
                <label htmlFor={`delay-${s.key}`}>{i + 1 < steps.length ? `If nobody acknowledges within` : `Then wait`}</label>
                <input
                  id={`delay-${s.key}`}
                  type="number"
                  min={1}
                  max={1440}
                  aria-label={i + 1 < steps.length ? `Minutes before step ${i + 2}` : 'Minutes before the next round'}
                  value={s.delayMinutes}
                  onChange={(e) => update(s.key, { delayMinutes: e.target.value })}
                />
                <span>{i + 1 < steps.length ? `minutes, go to step ${i + 2}.` : 'minutes before repeating (when repeats are on).'}</span>
              </div>
            </li>
          ))}
        </ol>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setSteps((cur) => [...cur, { key: ++stepKey, delayMinutes: '10', targets: [] }])} disabled={steps.length >= 20}>
          <Icon name="plus" size={14} /> Add step
        </button>

        <div className="form-grid" style={{ marginTop: 16 }}>
          <Field label="When the last step is not acknowledged" error={fieldError(error, 'repeat')}>
            {(p) => (
              <select {...p} value={repeat} onChange={(e) => setRepeat(e.target.value)}>
                <option value="0">Stop (the alert stays open)</option>
                {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => (
                  <option key={n} value={String(n)}>
                    Start again from step 1 — {n === 1 ? 'once more' : `${n} more times`}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-error-slot">
          <ErrorBanner error={topError} />
        </div>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : policy ? 'Save policy' : 'Create policy'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

function TargetPicker({ step, dir, teamId, onAdd }: { step: number; dir: Directory; teamId: string; onAdd: (t: EscalationTarget) => void }) {
  const [type, setType] = useState<TargetType>('schedule');
  const [id, setId] = useState('');
  const [channelError, setChannelError] = useState<string | null>(null);
  const byName = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  const schedules = byName(dir.schedules).sort((a, b) => Number(b.teamId === teamId) - Number(a.teamId === teamId));
  const add = (): void => {
    const value = id.trim();
    if (!value) return;
    if (type === 'slack_channel' && !/^[CG][A-Z0-9]{2,20}$/.test(value)) {
      setChannelError('A Slack channel id starts with C (e.g. C0123ALERTS).');
      return;
    }
    setChannelError(null);
    onAdd({ type, id: value });
    setId('');
  };
  return (
    <div className="target-picker">
      <select aria-label={`Target type for step ${step}`} value={type} onChange={(e) => {
          setType(e.target.value as TargetType);
          setId('');
          setChannelError(null);
        }}>
        {(Object.keys(TARGET_LABEL) as TargetType[]).map((t) => (
          <option key={t} value={t}>
            {TARGET_LABEL[t]}
          </option>
        ))}
      </select>
      {type === 'slack_channel' ? (
        <input
          aria-label={`Slack channel id for step ${step}`}
          className="mono"
          placeholder="C0123ALERTS"
          value={id}
          onChange={(e) => setId(e.target.value.toUpperCase())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
      ) : (
        <select aria-label={`Target for step ${step}`} value={id} onChange={(e) => setId(e.target.value)}>
          <option value="">Choose…</option>
          {type === 'schedule'
            ? schedules.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))
            : null}
          {type === 'user'
            ? byName(dir.users.filter((u) => u.active)).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} — {u.email}
                </option>
              ))
            : null}
          {type === 'team'
            ? byName(dir.teams).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))
            : null}
        </select>
      )}
      <button type="button" className="btn btn-secondary btn-sm" onClick={add} disabled={!id.trim()} aria-label={`Add target to step ${step}`}>
        <Icon name="plus" size={14} /> Add
      </button>
      {channelError ? <p className="field-error small">{channelError}</p> : null}
    </div>
  );
}
