import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; keeps showing the current data meanwhile. */
  reload: () => Promise<void>;
  /** Replaces the data locally (e.g. after a create) without a round trip. */
  setData: (update: T | ((current: T | undefined) => T)) => void;
}

/**
 * Loads data with `load` when the component mounts and whenever `deps` change.
 * Late answers from superseded loads are ignored.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== seq.current) return;
      setDataState(value);
      setError(undefined);
    } catch (err) {
      if (mine !== seq.current) return;
      setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      seq.current++;
    };
  }, deps);

  const setData = useCallback((update: T | ((current: T | undefined) => T)) => {
    setDataState((cur) => (typeof update === 'function' ? (update as (c: T | undefined) => T)(cur) : update));
  }, []);

  return { data, error, loading, reload, setData };
}

/** Sets document.title to "<title> · Vigil". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Vigil` : 'Vigil';
  }, [title]);
}

/** Calls `fn` every `ms` while the page is visible (e.g. to keep "who is on call" fresh). */
export function useInterval(fn: () => void, ms: number): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') ref.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms]);
}

/** The current time, updated every `ms` (for "now" lines and relative times). */
export function useNow(ms = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), ms);
  return now;
}
