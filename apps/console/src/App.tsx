import { useEffect, useState, type FormEvent } from 'react';
import { failureOf, forgetKey, openSession, storedKey, type Failure, type Session } from './api';
import { hrefOf, useRoute } from './route';
import { ErrorNotice, Loading } from './ui';
import { ClientsPage } from './pages/ClientsPage';
import { EventsPage } from './pages/EventsPage';
import { FleetPage } from './pages/FleetPage';
import { MaintenancesPage } from './pages/MaintenancesPage';
import { ServerPage } from './pages/ServerPage';
import { TriagePage } from './pages/TriagePage';

const PAGES = [
  ['fleet', 'Fleet'],
  ['triage', 'Triage'],
  ['maintenances', 'Maintenances'],
  ['clients', 'Clients'],
  ['events', 'Events'],
] as const;

/** The staff console: sign in with an API key, then the fleet, the triage queue, servers, clients and events. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [failure, setFailure] = useState<Failure>();
  const [resuming, setResuming] = useState(storedKey() !== null);

  const signIn = async (key: string) => {
    try {
      setSession(await openSession(key));
      setFailure(undefined);
    } catch (error) {
      forgetKey();
      setFailure(failureOf(error));
    }
  };
  useEffect(() => {
    const key = storedKey();
    if (key) void signIn(key).finally(() => setResuming(false));
  }, []);

  if (resuming) return <Loading what="the session" />;
  if (!session) return <SignIn onSignIn={signIn} failure={failure} />;
  return (
    <Console
      session={session}
      onSignOut={() => {
        forgetKey();
        setSession(null);
      }}
    />
  );
}

function SignIn({ onSignIn, failure }: { onSignIn(key: string): Promise<void>; failure?: Failure }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSignIn(key.trim());
  };
  return (
    <main className="sign-in">
      <h1>Allocator console</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
        <button type="submit" className="primary" disabled={!key.trim()}>
          Sign in
        </button>
        <p className="hint">Kept for this browser tab only. The demo prints its key when `npm start` starts.</p>
      </form>
      {failure && <ErrorNotice failure={failure} />}
    </main>
  );
}

function Console({ session, onSignOut }: { session: Session; onSignOut(): void }) {
  const route = useRoute();
  const [page] = route.path;
  const current = page === 'servers' ? 'triage' : (page ?? 'fleet');
  return (
    <>
      <header>
        <span className="brand">Allocator console</span>
        <nav aria-label="Pages">
          {PAGES.map(([path, title]) => (
            <a key={path} href={hrefOf(path)} aria-current={current === path ? 'page' : undefined}>
              {title}
            </a>
          ))}
        </nav>
        <span className="who">
          {session.name}{' '}
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        {page === 'triage' && <TriagePage session={session} route={route} />}
        {page === 'servers' && <ServerPage session={session} route={route} />}
        {page === 'maintenances' && <MaintenancesPage session={session} route={route} />}
        {page === 'clients' && <ClientsPage session={session} route={route} />}
        {page === 'events' && <EventsPage session={session} route={route} />}
        {(page === undefined || page === 'fleet') && <FleetPage session={session} />}
      </main>
    </>
  );
}
