/**
 * A Markdown text area with a Write / Preview switch (preview through the safe renderer).
 */
import { useId, useState, type ReactNode } from 'react';
import { Markdown } from '../markdown.tsx';

export function MarkdownEditor({
  label,
  value,
  onChange,
  rows = 6,
  placeholder,
  hint,
  readOnly = false,
  headingAs: H = 'h3',
  actions,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  placeholder?: string;
  hint?: ReactNode;
  /** Shows the preview only (e.g. a published post-mortem). */
  readOnly?: boolean;
  headingAs?: 'h2' | 'h3';
  actions?: ReactNode;
}) {
  const id = useId();
  const [mode, setMode] = useState<'write' | 'preview'>('write');
  const showPreview = readOnly || mode === 'preview';
  return (
    <section className="md-editor" aria-labelledby={`${id}-label`}>
      <div className="md-editor-head">
        <H className="md-editor-title" id={`${id}-label`}>
          {readOnly ? label : <label htmlFor={`${id}-input`}>{label}</label>}
        </H>
        <div className="md-editor-tools">
          {actions}
          {readOnly ? null : (
            <div className="segmented" role="group" aria-label={`${label}: write or preview`}>
              <button type="button" className={mode === 'write' ? 'active' : undefined} aria-pressed={mode === 'write'} onClick={() => setMode('write')}>
                Write
              </button>
              <button type="button" className={mode === 'preview' ? 'active' : undefined} aria-pressed={mode === 'preview'} onClick={() => setMode('preview')}>
                Preview
              </button>
            </div>
          )}
        </div>
      </div>
      {showPreview ? (
        <div className="md-preview" role="region" aria-label={`${label} preview`}>
          <Markdown text={value} empty={<p className="muted small">Nothing written yet.</p>} />
        </div>
      ) : (
        <>
          <textarea
            id={`${id}-input`}
            className="md-input"
            rows={rows}
            value={value}
            placeholder={placeholder}
            onChange={(e) => onChange(e.target.value)}
            aria-describedby={hint ? `${id}-hint` : undefined}
          />
          {hint ? (
            <p className="field-hint" id={`${id}-hint`}>
              {hint}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

export const MARKDOWN_HINT = 'Markdown: # heading, - list, **bold**, *italic*, `code`, [link](https://…).';
