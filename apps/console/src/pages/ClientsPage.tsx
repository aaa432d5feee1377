import { dataOf, pageOf, rangeOf, type Schemas, type Session } from '../api';
import { hrefOf, withParams, type Route } from '../route';
import { ErrorNotice, Loading, Pager, useLoad, when, NotAllowed } from '../ui';

type Allocation = Schemas['BilledAllocationDto'];
const PAGE = 25;

/** A use against a limit, as a bar and in words. */
function UseBar({ label, used, limit }: { label: string; used: number; limit: number }) {
  const percent = limit ? Math.min(100, (100 * used) / limit) : used ? 100 : 0;
  return (
    <div className="use">
      <span>{label}</span>
      <div className="bar small" role="img" aria-label={`${label}: ${used} of ${limit}`}>
        <span className={`segment ${used >= limit ? 'full' : 'allocated'}`} style={{ width: `${percent}%` }} />
      </div>
      <span>
        {used} of {limit}
      </span>
    </div>
  );
}

/** Clients: their commitments against their use, and their allocations of a period, for billing. */
export function ClientsPage({ session, route }: { session: Session; route: Route }) {
  const { client } = session;
  const clientId = route.params.get('clientId');
  const start = Number(route.params.get('start') ?? 0);
  const clients = useLoad(
    () => pageOf(client.GET('/api/clients', { params: { header: rangeOf(0, 1000) } })),
    'clients',
  );
  if (!session.can('inventory:read'))
    return <NotAllowed title="Clients" why="This key may not read clients (scope inventory:read)" />;
  return (
    <>
      <h1>Clients</h1>
      {clients.failure && <ErrorNotice failure={clients.failure} />}
      {!clients.data && !clients.failure && <Loading what="the clients" />}
      {clients.data && (
        <form className="filters" aria-label="Client">
          <label htmlFor="client">Client</label>
          <select
            id="client"
            value={clientId ?? ''}
            onChange={(e) => (window.location.hash = hrefOf('clients', { clientId: e.target.value }))}
          >
            <option value="">choose a client</option>
            {clients.data.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id} {c.name}
              </option>
            ))}
          </select>
        </form>
      )}
      {clientId && <ClientDetail session={session} route={route} clientId={Number(clientId)} start={start} />}
    </>
  );
}

function ClientDetail({
  session,
  route,
  clientId,
  start,
}: {
  session: Session;
  route: Route;
  clientId: number;
  start: number;
}) {
  const { client } = session;
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const period = { from: from ? `${from}T00:00:00Z` : undefined, to: to ? `${to}T00:00:00Z` : undefined };
  const capacity = useLoad(
    () => dataOf(client.GET('/api/client/{clientId}/capacity', { params: { path: { clientId } } })),
    `${clientId}`,
  );
  const allocations = useLoad(
    () =>
      pageOf(
        client.GET('/api/client/{clientId}/allocations', {
          params: { path: { clientId }, query: period, header: rangeOf(start, PAGE) },
        }),
      ),
    `${clientId}/${from}/${to}/${start}`,
  );

  const exportCsv = async () => {
    const rows: Allocation[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await pageOf(
        client.GET('/api/client/{clientId}/allocations', {
          params: { path: { clientId }, query: period, header: rangeOf(offset, 1000) },
        }),
      );
      rows.push(...page.items);
      if (rows.length >= page.total || !page.items.length) break;
    }
    const header =
      'allocationId,serverId,locationId,instanceTypeId,quota,contractId,startedAt,endedAt,endedBy,billable';
    const lines = rows.map((a) =>
      [
        a.id,
        a.serverId,
        a.locationId,
        a.instanceTypeId,
        a.quota,
        a.contractId ?? '',
        a.startedAt,
        a.endedAt ?? '',
        a.endedBy ?? '',
        a.billable,
      ].join(','),
    );
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([[header, ...lines].join('\n') + '\n'], { type: 'text/csv' }));
    link.download = `client-${clientId}-allocations${from ? `-from-${from}` : ''}${to ? `-to-${to}` : ''}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <>
      {capacity.failure && <ErrorNotice failure={capacity.failure} />}
      {capacity.data && (
        <section aria-labelledby="commitments">
          <h2 id="commitments">
            {capacity.data.name} <span className="muted">(client {capacity.data.clientId})</span>
          </h2>
          <UseBar label="On-demand" used={capacity.data.onDemand.used} limit={capacity.data.onDemand.limit} />
          {capacity.data.contracts.map((contract) => (
            <div key={contract.contractId} className="contract">
              <h3>
                {contract.contractId}{' '}
                <span className="muted">
                  {contract.active ? 'valid now' : 'not valid now'}, from {when(contract.startsAt)}
                  {contract.endsAt ? ` to ${when(contract.endsAt)}` : ''}
                </span>
              </h3>
              {contract.pools.map((pool) => (
                <UseBar
                  key={pool.instanceTypeId}
                  label={`pool ${pool.instanceTypeId} (location ${pool.locationId})`}
                  used={pool.used}
                  limit={pool.committed}
                />
              ))}
            </div>
          ))}
        </section>
      )}
      <section aria-labelledby="allocations">
        <h2 id="allocations">Allocations</h2>
        <form className="filters" aria-label="Period">
          <label htmlFor="from">From</label>
          <input
            id="from"
            type="date"
            value={from}
            onChange={(e) => (window.location.hash = withParams(route, { from: e.target.value }))}
          />
          <label htmlFor="to">To</label>
          <input
            id="to"
            type="date"
            value={to}
            onChange={(e) => (window.location.hash = withParams(route, { to: e.target.value }))}
          />
          <button type="button" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </form>
        {allocations.failure && <ErrorNotice failure={allocations.failure} />}
        {allocations.data && (
          <>
            <table className="list">
              <thead>
                <tr>
                  <th scope="col">Allocation</th>
                  <th scope="col">Server</th>
                  <th scope="col">Quota</th>
                  <th scope="col">Started</th>
                  <th scope="col">Ended</th>
                  <th scope="col">Billable</th>
                </tr>
              </thead>
              <tbody>
                {allocations.data.items.map((a) => (
                  <tr key={a.id}>
                    <td>{a.id}</td>
                    <td>
                      <a href={hrefOf(`servers/${a.serverId}`)}>{a.serverId}</a>
                    </td>
                    <td>
                      {a.quota}
                      {a.contractId ? ` (${a.contractId})` : ''}
                    </td>
                    <td>{when(a.startedAt)}</td>
                    <td>{a.endedAt ? `${when(a.endedAt)} (${a.endedBy})` : 'open'}</td>
                    <td>{a.billable ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              start={start}
              size={PAGE}
              total={allocations.data.total}
              hrefFor={(s) => withParams(route, { start: s })}
            />
          </>
        )}
      </section>
    </>
  );
}
