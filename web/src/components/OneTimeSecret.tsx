/**
 * A secret shown once, right after it was created (API tokens, integration keys): a read-only
 * field, a Copy button (with a select-and-Ctrl+C fallback), and an explicit "I have saved it".
 */
import { useId, useRef, useState, type ReactNode } from 'react';
import { Icon } from './Icon.tsx';

export function CopyButton({ value, label = 'Copy', onFallback }: { value: string; label?: string; onFallback?: () => boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard API unavailable (e.g. plain http): let the caller select the text for Ctrl+C.
      setCopied(onFallback?.() ? 'yes' : 'failed');
    }
  };
  return (
    <button type="button" className="btn btn-secondary" onClick={() => void copy()} title={copied === 'failed' ? 'Could not copy: select the text and press Ctrl+C' : undefined}>
      <Icon name={copied === 'yes' ? 'check' : 'copy'} size={16} />
      {copied === 'yes' ? 'Copied' : label}
    </button>
  );
}

export function OneTimeSecret({
  title,
  label,
  secret,
  warning,
  children,
  onDone,
}: {
  title: string;
  /** Accessible name of the field holding the secret. */
  label: string;
  secret: string;
  warning: ReactNode;
  children?: ReactNode;
  onDone: () => void;
}) {
  const titleId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [failed, setFailed] = useState(false);
  const fallback = (): boolean => {
    inputRef.current?.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    setFailed(!ok);
    return ok;
  };
  return (
    <section className="secret-panel" aria-labelledby={titleId}>
      <div className="secret-header">
        <Icon name="key" />
        <h2 id={titleId}>{title}</h2>
      </div>
      <p className="secret-warning">{warning}</p>
      <div className="secret-row">
        <input ref={inputRef} className="secret-value mono" readOnly value={secret} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={secret} onFallback={fallback} />
      </div>
      {failed ? <p className="field-error">Could not copy automatically — it is selected; press Ctrl+C.</p> : null}
      {children}
      <div className="secret-actions">
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </section>
  );
}
