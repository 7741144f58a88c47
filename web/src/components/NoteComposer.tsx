/** A note box for a timeline (alerts, incidents): Ctrl/Cmd+Enter saves. */
import { useState, type FormEvent, type RefObject } from 'react';

export function NoteComposer({
  id,
  placeholder,
  textareaRef,
  onSave,
}: {
  id: string;
  placeholder: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onSave: (note: string) => Promise<boolean>;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!note.trim()) return;
    setBusy(true);
    if (await onSave(note.trim())) setNote('');
    setBusy(false);
  };
  return (
    <form className="note-composer" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={id}>
        Note
      </label>
      <textarea
        id={id}
        ref={textareaRef}
        rows={2}
        placeholder={placeholder}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit(e);
        }}
      />
      <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !note.trim()}>
        {busy ? 'Saving…' : 'Save note'}
      </button>
    </form>
  );
}
