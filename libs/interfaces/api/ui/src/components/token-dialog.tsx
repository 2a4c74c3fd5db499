import { useEffect, useRef, useState, type FormEvent } from 'react';
import { storedToken, storeToken } from '../api/client.ts';

/**
 * Asks for the API token when the server wants one (reads protected, or a verdict to
 * send). The token stays in this tab's sessionStorage and goes only to this server.
 */
export function TokenDialog({ need, onDone }: { need: 'read' | 'write'; onDone: (changed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState(storedToken() ?? '');
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    storeToken(value.trim() || null);
    onDone(true);
  };
  return (
    <dialog ref={dialog} className="token-dialog" aria-labelledby="token-title" onCancel={() => onDone(false)}>
      <form onSubmit={submit}>
        <h2 id="token-title">{need === 'write' ? 'Token needed to send a verdict' : 'Token needed to read'}</h2>
        <p>
          {need === 'write'
            ? 'Verdicts change what Tapio learns: they need the write token (api.token or TAPIO_API_TOKEN).'
            : 'This Tapio protects reads: enter its read token (api.readToken) or write token.'}{' '}
          It is kept in this tab only.
        </p>
        <label htmlFor="token-input">Bearer token</label>
        <input id="token-input" type="password" autoComplete="off" value={value} onChange={(event) => setValue(event.target.value)} autoFocus />
        <div className="actions">
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Use token
          </button>
        </div>
      </form>
    </dialog>
  );
}
