import { useEffect, useState, type ReactNode } from 'react';
import { failureOf, type Failure } from './api';

/** An error answer: its code, message and request id, so that staff can quote it. */
export function ErrorNotice({ failure }: { failure: Failure }) {
  return (
    <div className="error" role="alert">
      <strong>{failure.code}</strong>
      {failure.status ? ` (HTTP ${failure.status})` : ''}: {failure.message}
      {failure.requestId && (
        <div className="request-id">
          request id <code>{failure.requestId}</code>
        </div>
      )}
    </div>
  );
}

export interface Loaded<T> {
  data?: T;
  failure?: Failure;
  reload(): void;
}

/** Loads `load()` when `key` changes (and on reload), keeping the last answer while the next one comes. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; failure?: Failure }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error: unknown) => current && setState({ failure: failureOf(error) }),
    );
    return () => {
      current = false;
    };
    // `key` names what `load` reads: a new key, or a reload, loads again.
  }, [key, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

/** A list's pages: RANGED-DATA start and size, as links that keep the view's filters. */
export function Pager({
  start,
  size,
  total,
  hrefFor,
}: {
  start: number;
  size: number;
  total: number;
  hrefFor(start: number): string;
}) {
  if (total <= size) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {start > 0 && <a href={hrefFor(Math.max(start - size, 0))}>← Previous</a>}
      <span>
        {start + 1}–{Math.min(start + size, total)} of {total}
      </span>
      {start + size < total && <a href={hrefFor(start + size)}>Next →</a>}
    </nav>
  );
}

/**
 * A command with a confirmation step: the button opens a dialog saying what will happen; only Confirm sends it.
 * The outcome (the service's message, or its error with the request id) is shown where the button was.
 */
export function ActionButton({
  label,
  confirm,
  run,
  onDone,
}: {
  label: string;
  confirm: ReactNode;
  run(): Promise<string>;
  onDone(): void;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ message?: string; failure?: Failure }>({});
  const send = async () => {
    setBusy(true);
    try {
      setOutcome({ message: await run() });
      onDone();
    } catch (error) {
      setOutcome({ failure: failureOf(error) });
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span className="action">
      <button type="button" onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
      {asking && (
        <div className="dialog" role="dialog" aria-modal="true" aria-label={`${label}: confirm`}>
          <p>{confirm}</p>
          <button type="button" className="primary" onClick={() => void send()} disabled={busy}>
            Confirm
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      )}
      {outcome.message && (
        <span className="done" role="status">
          {outcome.message}
        </span>
      )}
      {outcome.failure && <ErrorNotice failure={outcome.failure} />}
    </span>
  );
}

/** How long ago, in words a person reads at a glance. */
export function ago(since: string | Date, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(since).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

export const when = (at: string | Date | null | undefined) => (at ? new Date(at).toLocaleString() : '—');

/** A page the key's scopes do not open: said plainly, as the API would answer it (403). */
export function NotAllowed({ title, why }: { title: string; why: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p>{why}.</p>
    </>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}
