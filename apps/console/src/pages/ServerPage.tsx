import { dataOf, pageOf, rangeOf, type Session } from '../api';
import { withParams, type Route } from '../route';
import { ErrorNotice, Loading, Pager, useLoad, when, NotAllowed } from '../ui';

const PAGE = 20;

/** One server: where it is, who holds it, and its whole story, newest first. */
export function ServerPage({ session, route }: { session: Session; route: Route }) {
  const { client } = session;
  const serverId = Number(route.path[1]);
  const start = Number(route.params.get('start') ?? 0);
  const server = useLoad(
    () => dataOf(client.GET('/api/servers/{serverId}', { params: { path: { serverId } } })),
    `${serverId}`,
  );
  const history = useLoad(
    () =>
      pageOf(
        client.GET('/api/servers/{serverId}/history', { params: { path: { serverId }, header: rangeOf(start, PAGE) } }),
      ),
    `${serverId}/${start}`,
  );
  if (!session.can('inventory:read'))
    return <NotAllowed title="Server" why="This key may not read servers (scope inventory:read)" />;
  if (server.failure) return <ErrorNotice failure={server.failure} />;
  if (!server.data) return <Loading what={`server ${serverId}`} />;
  const s = server.data;
  return (
    <>
      <h1>
        Server {s.id} <span className="muted">{s.hostname}</span>
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-fact="status">
          {s.status}
          {s.subState ? ` (${s.subState})` : ''}
          {s.retiring ? ', marked to retire' : ''}
        </dd>
        <dt>Pool</dt>
        <dd>
          location {s.locationId}, instance type {s.instanceTypeId}
        </dd>
        <dt>Rack</dt>
        <dd>{s.rack ?? '—'}</dd>
        <dt>Service tag</dt>
        <dd>{s.serviceTag ?? '—'}</dd>
        <dt>Allocation</dt>
        <dd>
          {s.allocation
            ? `#${s.allocation.id} to client ${s.allocation.clientId} (${s.allocation.quota}${s.allocation.contractId ? `, ${s.allocation.contractId}` : ''}) since ${when(s.allocation.startedAt)}`
            : 'none'}
        </dd>
        {s.isolationReason && (
          <>
            <dt>Reason</dt>
            <dd>{s.isolationReason}</dd>
          </>
        )}
        {s.maintenanceId !== null && (
          <>
            <dt>Maintenance</dt>
            <dd>{s.maintenanceId}</dd>
          </>
        )}
        {s.baselineId && (
          <>
            <dt>Back to Baseline</dt>
            <dd>
              run <code>{s.baselineId}</code>,{' '}
              {s.baselineDispatchedAt ? `dispatched ${when(s.baselineDispatchedAt)}` : 'waiting for a slot'}
            </dd>
          </>
        )}
      </dl>
      <h2>History</h2>
      {history.failure && <ErrorNotice failure={history.failure} />}
      {!history.data && !history.failure && <Loading what="the history" />}
      {history.data && (
        <>
          <ol className="timeline" aria-label={`History of server ${s.id}, newest first`}>
            {history.data.items.map((entry) => (
              <li key={entry.id}>
                <div>
                  <strong>{entry.command}</strong> {entry.from ?? '∅'} → {entry.to}
                  {entry.subState && ` (${entry.subState})`}{' '}
                  <span className="muted">
                    by {entry.actor}, {when(entry.occurredAt)}
                  </span>
                </div>
                {entry.reason && <div>{entry.reason}</div>}
                {entry.operationUuid && (
                  <div className="muted">
                    operation <code>{entry.operationUuid}</code>
                  </div>
                )}
                {entry.events.length > 0 && (
                  <ul className="compact">
                    {entry.events.map((event) => (
                      <li key={event.id}>
                        <code>{event.type}</code>
                        {event.deliveries.length === 0
                          ? ' (no hook wanted it)'
                          : event.deliveries
                              .map((d) => ` → ${d.hookName}: ${d.state} after ${d.attempts} attempt(s)`)
                              .join(';')}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
          <Pager
            start={start}
            size={PAGE}
            total={history.data.total}
            hrefFor={(s) => withParams(route, { start: s })}
          />
        </>
      )}
    </>
  );
}
