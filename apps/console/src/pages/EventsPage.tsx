import { Fragment } from 'react';
import { dataOf, pageOf, rangeOf, type Session } from '../api';
import { hrefOf, withParams, type Route } from '../route';
import { ActionButton, ErrorNotice, Loading, Pager, useLoad, when, NotAllowed } from '../ui';

const PAGE = 25;
const CATEGORY = { refused: 'refused (4xx)', receiverError: 'receiver error (5xx)', unreachable: 'unreachable' };

/** Are events reaching MetalWorks? The hooks, the delivery backlog and failures, and the dead letters to replay. */
export function EventsPage({ session, route }: { session: Session; route: Route }) {
  const { client } = session;
  const start = Number(route.params.get('start') ?? 0);
  const state = (route.params.get('state') ?? 'dead') as 'pending' | 'delivered' | 'dead' | 'superseded';
  const overview = useLoad(
    () => Promise.all([dataOf(client.GET('/api/hooks')), dataOf(client.GET('/api/hooks/deliveries/health'))]),
    'overview',
  );
  const deliveries = useLoad(
    () => pageOf(client.GET('/api/hooks/deliveries', { params: { query: { state }, header: rangeOf(start, PAGE) } })),
    `${state}/${start}`,
  );
  if (!session.can('admin'))
    return <NotAllowed title="Events" why="This key may not read hooks and deliveries (scope admin)" />;
  const reload = () => {
    overview.reload();
    deliveries.reload();
  };
  return (
    <>
      <h1>Events</h1>
      {overview.failure && <ErrorNotice failure={overview.failure} />}
      {!overview.data && !overview.failure && <Loading what="the hooks" />}
      {overview.data && (
        <>
          <dl className="facts" aria-label="Delivery health">
            <dt>Pending</dt>
            <dd data-fact="pending">{overview.data[1].pending}</dd>
            <dt>Oldest pending</dt>
            <dd>{Math.round(overview.data[1].oldestPendingSeconds)} s</dd>
            <dt>Dead letters</dt>
            <dd data-fact="dead">{overview.data[1].dead}</dd>
            {overview.data[1].failures.map((f) => (
              <Fragment key={f.category}>
                <dt>{CATEGORY[f.category]}</dt>
                <dd>{f.count}</dd>
              </Fragment>
            ))}
          </dl>
          <h2>Hooks</h2>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Hook</th>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {overview.data[0].map((hook) => (
                <tr key={hook.id}>
                  <td>{hook.name}</td>
                  <td>
                    <code>{hook.url}</code>
                  </td>
                  <td>{hook.eventTypes.length ? hook.eventTypes.join(', ') : 'all'}</td>
                  <td>{hook.enabled ? 'enabled' : 'disabled'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Deliveries</h2>
      <nav className="tabs" aria-label="Delivery state">
        {(['dead', 'pending', 'delivered', 'superseded'] as const).map((s) => (
          <a key={s} href={hrefOf('events', { state: s })} aria-current={s === state ? 'page' : undefined}>
            {s}
          </a>
        ))}
      </nav>
      {deliveries.failure && <ErrorNotice failure={deliveries.failure} />}
      {deliveries.data && (
        <>
          {deliveries.data.total === 0 && <p>No {state} delivery.</p>}
          {deliveries.data.total > 0 && (
            <table className="list">
              <thead>
                <tr>
                  <th scope="col">Delivery</th>
                  <th scope="col">Event</th>
                  <th scope="col">Server</th>
                  <th scope="col">Hook</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Created</th>
                  {state === 'dead' && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {deliveries.data.items.map((d) => (
                  <tr key={d.id} data-delivery={d.id}>
                    <td>{d.id}</td>
                    <td>
                      <code>{d.eventType}</code>
                    </td>
                    <td>{d.serverId === null ? '—' : <a href={hrefOf(`servers/${d.serverId}`)}>{d.serverId}</a>}</td>
                    <td>{d.hookName}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatus ?? d.lastError ?? '—'}</td>
                    <td>{when(d.createdAt)}</td>
                    {state === 'dead' && (
                      <td>
                        <ActionButton
                          label="Replay"
                          confirm={`Put delivery ${d.id} back in the queue with fresh attempts?`}
                          run={async () => {
                            await dataOf(
                              client.POST('/api/hooks/deliveries/{deliveryId}/replay', {
                                params: { path: { deliveryId: d.id } },
                              }),
                            );
                            return `Delivery ${d.id} queued again`;
                          }}
                          onDone={reload}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            start={start}
            size={PAGE}
            total={deliveries.data.total}
            hrefFor={(s) => withParams(route, { start: s })}
          />
        </>
      )}
    </>
  );
}
