import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet } from './client.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * GET a path and keep the answer; `pollMs` refreshes it (the live incident list).
 * A refresh keeps showing the previous answer until the new one arrives, and a path
 * change aborts the request still in flight.
 */
export function useApi<T>(path: string | null, pollMs?: number): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const shown = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    if (shown.current !== path) {
      setData(undefined);
      setLoading(true);
    }
    apiGet<T>(path, controller.signal)
      .then((answer) => {
        shown.current = path;
        setData(answer);
        setError(undefined);
      })
      .catch((failure: Error) => {
        if (failure.name !== 'AbortError') setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, generation]);

  useEffect(() => {
    if (!pollMs || path === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setGeneration((value) => value + 1);
    }, pollMs);
    return () => clearInterval(timer);
  }, [path, pollMs]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
