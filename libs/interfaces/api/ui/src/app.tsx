import { useEffect, useRef, useState } from 'react';
import { Link, Redirect, Route, Router, Switch, useLocation, useRoute } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { AUTH_NEEDED, storedToken, storeToken } from './api/client.ts';
import { TokenDialog } from './components/token-dialog.tsx';
import { IncidentPage } from './pages/incident-page.tsx';
import { IncidentsPage } from './pages/incidents-page.tsx';
import { PatternPage } from './pages/pattern-page.tsx';
import { PatternsPage } from './pages/patterns-page.tsx';
import { ResourcePage } from './pages/resource-page.tsx';

function NavLink({ href, pattern, children }: { href: string; pattern: string; children: string }) {
  const [active] = useRoute(pattern);
  return (
    <Link href={href} className="nav-link" aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/**
 * After a navigation, focus goes to the new page's content and the view to its top, as a
 * page load would do: keyboard and screen reader users start reading the page, not the link.
 */
function FocusOnNavigate() {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus();
  }, [location]);
  return null;
}

/**
 * Hash routes (#/incidents/ID) keep every page at the server's `/`: the API needs no
 * fallback route and nothing clashes with /api, /docs or /metrics.
 */
export function App() {
  const [need, setNeed] = useState<'read' | 'write' | null>(null);
  // Bumped when the token changes, so every page asks again with it.
  const [session, setSession] = useState(0);
  const [hasToken, setHasToken] = useState(storedToken() !== null);

  useEffect(() => {
    const onNeed = (event: Event) => setNeed((current) => current ?? ((event as CustomEvent<'read' | 'write'>).detail ?? 'read'));
    window.addEventListener(AUTH_NEEDED, onNeed);
    return () => window.removeEventListener(AUTH_NEEDED, onNeed);
  }, []);

  const done = (changed: boolean) => {
    setNeed(null);
    setHasToken(storedToken() !== null);
    if (changed) setSession((value) => value + 1);
  };

  return (
    <Router hook={useHashLocation}>
      <FocusOnNavigate />
      <a className="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand" aria-label="Tapio incidents">
          tapio
        </Link>
        <nav aria-label="Main">
          <NavLink href="/" pattern="/incidents/*?">Incidents</NavLink>
          <NavLink href="/resource" pattern="/resource/*?">Resource</NavLink>
          <NavLink href="/patterns" pattern="/patterns/*?">Patterns</NavLink>
        </nav>
        <div className="session">
          {hasToken ? (
            <button type="button" onClick={() => { storeToken(null); done(true); }}>
              Forget token
            </button>
          ) : (
            <button type="button" onClick={() => setNeed('write')}>
              Set token
            </button>
          )}
          <a href="/docs" className="api-link">
            API
          </a>
        </div>
      </header>
      <main id="main" tabIndex={-1} key={session}>
        <Switch>
          <Route path="/">{() => <IncidentsPage />}</Route>
          <Route path="/incidents">{() => <Redirect to="/" />}</Route>
          <Route path="/incidents/:id">{(params) => <IncidentPage id={params.id} />}</Route>
          <Route path="/resource">{() => <ResourcePage />}</Route>
          <Route path="/resource/:kind/:namespace/:name">{(params) => <ResourcePage entity={params} />}</Route>
          <Route path="/patterns">{() => <PatternsPage />}</Route>
          <Route path="/patterns/:name">{(params) => <PatternPage name={params.name} />}</Route>
          <Route>
            <p className="notice">No such page. <Link href="/">Back to the incidents</Link></p>
          </Route>
        </Switch>
      </main>
      {need && <TokenDialog need={need} onDone={done} />}
    </Router>
  );
}
