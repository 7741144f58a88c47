/**
 * Labelled form fields with hint and inline error, wired for screen readers.
 */
import { useId, type ReactNode } from 'react';
import { ApiError } from '../api.ts';

export interface FieldControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

export function Field({
  label,
  hint,
  error,
  required,
  children,
}: {
  label: string;
  hint?: ReactNode;
  /** Message shown under the field; marks the control invalid. */
  error?: string | undefined;
  required?: boolean;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  const props: FieldControlProps = { id };
  if (error) props['aria-invalid'] = true;
  if (describedBy) props['aria-describedby'] = describedBy;
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {children(props)}
      {hint && !error ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {hint && error ? (
        <p id={hintId} className="visually-hidden">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The server's message for `field` when the error blames it, else undefined. */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (error instanceof ApiError && error.field && fields.includes(error.field)) return error.message;
  return undefined;
}

/** A fieldset of checkboxes or radios with a visible legend. */
export function FieldGroup({ legend, hint, children }: { legend: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="field fieldset">
      <legend className="field-label">{legend}</legend>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {children}
    </fieldset>
  );
}
