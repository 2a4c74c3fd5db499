import type { ReactNode } from 'react';
import { ApiFailure } from '../api/client.ts';

/** Loading, failure or the content: every page shows one of the three, never a blank. */
export function Status({ loading, error, children, what }: { loading: boolean; error: Error | undefined; children?: ReactNode; what: string }) {
  if (error) {
    const status = error instanceof ApiFailure ? ` (HTTP ${error.status})` : '';
    return (
      <p className="notice error" role="alert">
        Could not load {what}{status}: {error.message}
      </p>
    );
  }
  if (loading) return <p className="notice" aria-live="polite">Loading {what}…</p>;
  return <>{children}</>;
}
