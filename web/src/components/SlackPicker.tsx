/**
 * Pick a Slack channel or user group by name. Reads /api/v1/slack/channels (one page per cursor,
 * filtered by name as you type) or /api/v1/slack/usergroups; the value is the Slack id. When Slack
 * is not configured, or the list cannot be read, a plain id field remains.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, call, type ResponseOf } from '../api.ts';
import type { FieldControlProps } from './Field.tsx';

export type SlackChannelOption = ResponseOf<'/slack/channels', 'get'>['data'][number];
export type SlackUserGroupOption = ResponseOf<'/slack/usergroups', 'get'>['data'][number];

type Option = { id: string; label: string; detail: string };

const ID_PATTERN = { channel: /^[CGD][A-Z0-9]{6,20}$/, usergroup: /^S[A-Z0-9]{6,20}$/ };

async function load(kind: 'channel' | 'usergroup', q: string, cursor: string): Promise<{ options: Option[]; nextCursor: string }> {
  if (kind === 'channel') {
    const res = await call('get', '/slack/channels', { query: { query: q, cursor } });
    return {
      options: res.data.map((c) => ({ id: c.id, label: `#${c.name}`, detail: `${c.isPrivate ? 'private' : 'public'}${c.isMember ? '' : ' · Vigil is not in it yet'}` })),
      nextCursor: q ? '' : res.nextCursor,
    };
  }
  const res = await call('get', '/slack/usergroups', { query: { query: q } });
  return { options: res.data.map((g) => ({ id: g.id, label: `@${g.handle}`, detail: `${g.name} · ${g.userCount} ${g.userCount === 1 ? 'member' : 'members'}` })), nextCursor: '' };
}

export function SlackPicker({
  kind,
  value,
  onChange,
  fieldProps,
  placeholder,
}: {
  kind: 'channel' | 'usergroup';
  value: string;
  onChange: (id: string) => void;
  fieldProps: FieldControlProps;
  placeholder?: string;
}) {
  const listId = useId();
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<Option[]>([]);
  const [nextCursor, setNextCursor] = useState('');
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(-1);
  const known = useRef(new Map<string, string>());
  const seq = useRef(0);

  // Show the name of the current value once Slack answers.
  useEffect(() => {
    let stop = false;
    load(kind, '', '')
      .then((r) => {
        if (stop) return;
        for (const o of r.options) known.current.set(o.id, o.label);
        setOptions(r.options);
        setNextCursor(r.nextCursor);
        setText((t) => (t && known.current.has(t) ? known.current.get(t)! : t));
        setReady(true);
        // A channel past the first page is found by its id (the server walks the pages).
        if (kind === 'channel' && value && ID_PATTERN.channel.test(value) && !known.current.has(value)) {
          void load(kind, value, '').then(
            (found) => {
              const o = found.options.find((x) => x.id === value);
              if (stop || !o) return;
              known.current.set(o.id, o.label);
              setText((t) => (t === value ? o.label : t));
            },
            () => undefined,
          );
        }
      })
      .catch((err: unknown) => {
        if (!stop) setUnavailable(err instanceof ApiError ? err.message : 'Slack could not be reached.');
      });
    return () => {
      stop = true;
    };
  }, [kind]);

  const search = (q: string) => {
    const mine = ++seq.current;
    setLoading(true);
    load(kind, q.replace(/^[#@]/, ''), '')
      .then((r) => {
        if (mine !== seq.current) return;
        for (const o of r.options) known.current.set(o.id, o.label);
        setOptions(r.options);
        setNextCursor(r.nextCursor);
        setActive(-1);
      })
      .catch((err: unknown) => setUnavailable(err instanceof ApiError ? err.message : 'Slack could not be reached.'))
      .finally(() => mine === seq.current && setLoading(false));
  };

  const more = () => {
    setLoading(true);
    load(kind, '', nextCursor)
      .then((r) => {
        for (const o of r.options) known.current.set(o.id, o.label);
        setOptions((prev) => [...prev, ...r.options]);
        setNextCursor(r.nextCursor);
      })
      .finally(() => setLoading(false));
  };

  const choose = (o: Option) => {
    setText(o.label);
    setOpen(false);
    onChange(o.id);
  };

  const onType = (t: string) => {
    setText(t);
    setOpen(true);
    const raw = t.trim();
    // Until an option is picked the typed text is the value (an id typed as it is, or a name the
    // server will refuse with a clear error).
    onChange(raw);
    if (!unavailable) search(raw);
  };

  // Until Slack answers (and when it cannot), the id is typed as it is.
  if (unavailable || !ready) {
    return (
      <div className="slack-picker">
        <input
          {...fieldProps}
          value={value}
          onChange={(e) => {
            setText(e.target.value.trim());
            onChange(e.target.value.trim());
          }}
          placeholder={kind === 'channel' ? 'C0123ABCD' : 'S0123ABCD'}
          autoComplete="off"
          className="mono"
        />
        {unavailable ? <p className="field-hint">Slack names are not available ({unavailable}); enter the id.</p> : null}
      </div>
    );
  }

  return (
    <div className="slack-picker">
      <div className="slack-picker-row">
        <input
          {...fieldProps}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          value={text}
          placeholder={placeholder ?? (kind === 'channel' ? 'Search channels…' : 'Search user groups…')}
          autoComplete="off"
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onChange={(e) => onType(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(a + 1, options.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter' && open && active >= 0 && options[active]) {
              e.preventDefault();
              choose(options[active]);
            } else if (e.key === 'Escape') setOpen(false);
          }}
        />
        {value ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label="Clear"
            onClick={() => {
              setText('');
              onChange('');
            }}
          >
            Clear
          </button>
        ) : null}
      </div>
      {ID_PATTERN[kind].test(value) ? <p className="field-hint mono small">{value}</p> : null}
      {open ? (
        <ul id={listId} role="listbox" className="slack-picker-list">
          {options.length === 0 ? <li className="muted small">{loading ? 'Loading…' : 'No match.'}</li> : null}
          {options.map((o, i) => (
            <li
              key={o.id}
              role="option"
              aria-selected={o.id === value || i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o);
              }}
            >
              <span className="strong">{o.label}</span> <span className="muted small">{o.detail}</span>
            </li>
          ))}
          {nextCursor ? (
            <li>
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                onMouseDown={(e) => {
                  e.preventDefault();
                  more();
                }}
              >
                More channels…
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
