import { useState, type FormEvent } from 'react';
import { dataOf, failureOf, pageOf, rangeOf, type Failure, type Schemas, type Session } from '../api';
import { hrefOf, withParams, type Route } from '../route';
import { ActionButton, ErrorNotice, Loading, NotAllowed, Pager, useLoad, when } from '../ui';

type Plan = Schemas['MaintenancePlanDto'];
type Then = Schemas['StartMaintenanceDto']['then'];
const PAGE = 25;

/** Maintenances: plan one with its guarantee check, start it, watch its servers join, end it. */
export function MaintenancesPage({ session, route }: { session: Session; route: Route }) {
  const { client } = session;
  const id = route.path[1];
  const start = Number(route.params.get('start') ?? 0);
  const state = (route.params.get('state') ?? 'open') as 'open' | 'ended';
  const list = useLoad(
    () => pageOf(client.GET('/api/maintenances', { params: { query: { state }, header: rangeOf(start, PAGE) } })),
    `${state}/${start}`,
  );
  if (!session.can('admin'))
    return <NotAllowed title="Maintenances" why="This key may not manage maintenances (scope admin)" />;
  if (id) return <MaintenanceDetail session={session} id={Number(id)} />;
  return (
    <>
      <h1>Maintenances</h1>
      <PlanForm session={session} onStarted={list.reload} />
      <h2>Maintenances</h2>
      <nav className="tabs" aria-label="Maintenance state">
        {(['open', 'ended'] as const).map((s) => (
          <a key={s} href={hrefOf('maintenances', { state: s })} aria-current={s === state ? 'page' : undefined}>
            {s}
          </a>
        ))}
      </nav>
      {list.failure && <ErrorNotice failure={list.failure} />}
      {list.data && list.data.total === 0 && <p>No {state} maintenance.</p>}
      {list.data && list.data.total > 0 && (
        <>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Maintenance</th>
                <th scope="col">Reason</th>
                <th scope="col">Then</th>
                <th scope="col">Servers</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((m) => (
                <tr key={m.id} data-maintenance={m.id}>
                  <td>
                    <a href={hrefOf(`maintenances/${m.id}`)}>{m.id}</a>
                    {m.forced && <span className="badge">forced</span>}
                  </td>
                  <td>{m.reason}</td>
                  <td>{m.then}</td>
                  <td>{m.servers}</td>
                  <td>
                    {when(m.startedAt)} <span className="muted">by {m.startedBy}</span>
                  </td>
                  <td>{m.endedAt ? when(m.endedAt) : 'open'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager start={start} size={PAGE} total={list.data.total} hrefFor={(s) => withParams(route, { start: s })} />
        </>
      )}
    </>
  );
}

/** Which servers, why and what then; a dry run shows the plan, and only then may it be started. */
function PlanForm({ session, onStarted }: { session: Session; onStarted(): void }) {
  const { client } = session;
  const [locationId, setLocationId] = useState('');
  const [rack, setRack] = useState('');
  const [reason, setReason] = useState('');
  const [then, setThen] = useState<Then>('return');
  const [plan, setPlan] = useState<Plan>();
  const [failure, setFailure] = useState<Failure>();
  const request = { selector: { locationId: Number(locationId), ...(rack && { rack }) }, reason, then };
  const planIt = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setPlan(await dataOf(client.POST('/api/maintenances', { body: { ...request, dryRun: true } })));
      setFailure(undefined);
    } catch (error) {
      setPlan(undefined);
      setFailure(failureOf(error));
    }
  };
  const shortfall = plan?.pools.some((p) => p.shortfall > 0) ?? false;
  return (
    <section aria-labelledby="plan">
      <h2 id="plan">Plan a maintenance</h2>
      <form className="filters" onSubmit={(e) => void planIt(e)}>
        <label htmlFor="m-location">Location</label>
        <input
          id="m-location"
          inputMode="numeric"
          size={6}
          value={locationId}
          onChange={(e) => setLocationId(e.target.value)}
        />
        <label htmlFor="m-rack">Rack (optional)</label>
        <input id="m-rack" value={rack} onChange={(e) => setRack(e.target.value)} />
        <label htmlFor="m-reason">Reason</label>
        <input id="m-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <label htmlFor="m-then">Then</label>
        <select id="m-then" value={then} onChange={(e) => setThen(e.target.value as Then)}>
          <option value="return">return (wiped, back to clients)</option>
          <option value="retire">retire (wiped, out of the fleet)</option>
        </select>
        <button type="submit">Plan</button>
      </form>
      {failure && <ErrorNotice failure={failure} />}
      {plan && (
        <>
          <p role="status">{plan.message}</p>
          <table className="list" aria-label="Guarantee check">
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Selected</th>
                <th scope="col">Available</th>
                <th scope="col">Isolated now</th>
                <th scope="col">Left</th>
                <th scope="col">Reserved</th>
                <th scope="col">Shortfall</th>
              </tr>
            </thead>
            <tbody>
              {plan.pools.map((p) => (
                <tr key={p.instanceTypeId} className={p.shortfall ? 'short' : undefined}>
                  <td>
                    {p.instanceTypeId} <span className="muted">(location {p.locationId})</span>
                  </td>
                  <td>{p.selected}</td>
                  <td>{p.available}</td>
                  <td>{p.isolatedNow}</td>
                  <td>{p.availableLeft}</td>
                  <td>{p.reserved}</td>
                  <td data-figure="shortfall">{p.shortfall}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ActionButton
            label={shortfall ? 'Start anyway (force)' : 'Start'}
            confirm={
              shortfall
                ? 'The guarantee check finds a shortfall: contracts would lose covered capacity. Start it anyway? The decision is recorded.'
                : `Take these ${plan.servers.length} servers out of service?`
            }
            // Sent twice, the same request answers the maintenance it started: a second click changes nothing.
            run={async () =>
              (await dataOf(client.POST('/api/maintenances', { body: { ...request, force: shortfall } }))).message
            }
            onDone={onStarted}
          />
        </>
      )}
    </section>
  );
}

function MaintenanceDetail({ session, id }: { session: Session; id: number }) {
  const { client } = session;
  const path = { params: { path: { maintenanceId: id } } };
  const detail = useLoad(() => dataOf(client.GET('/api/maintenances/{maintenanceId}', path)), `${id}`);
  if (detail.failure) return <ErrorNotice failure={detail.failure} />;
  if (!detail.data) return <Loading what={`maintenance ${id}`} />;
  const m = detail.data;
  const still = m.servers.filter((s) => s.inMaintenance);
  return (
    <>
      <h1>
        Maintenance {m.id} <span className="muted">{m.reason}</span>
      </h1>
      <dl className="facts">
        <dt>Then</dt>
        <dd>{m.then}</dd>
        <dt>Started</dt>
        <dd>
          {when(m.startedAt)} by {m.startedBy}
          {m.forced ? ' (forced past a shortfall)' : ''}
        </dd>
        <dt>Ended</dt>
        <dd data-fact="ended">{m.endedAt ? `${when(m.endedAt)} by ${m.endedBy}` : 'open'}</dd>
        <dt>Still in it</dt>
        <dd>
          {still.length} of {m.servers.length}, {still.filter((s) => s.status === 'isolated').length} isolated and ready
        </dd>
      </dl>
      {!m.endedAt && (
        <ActionButton
          label="End it"
          confirm={`End maintenance ${m.id}? Its isolated servers go through Back to Baseline, then ${m.then === 'retire' ? 'leave the fleet' : 'back to clients'}.`}
          run={async () => (await dataOf(client.POST('/api/maintenances/{maintenanceId}/end', path))).message}
          onDone={detail.reload}
        />
      )}
      <h2>Servers</h2>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Rack</th>
            <th scope="col">Joined as</th>
            <th scope="col">Now</th>
            <th scope="col">In it</th>
          </tr>
        </thead>
        <tbody>
          {m.servers.map((s) => (
            <tr key={s.id} data-server={s.id}>
              <td>
                <a href={hrefOf(`servers/${s.id}`)}>{s.id}</a> <span className="muted">{s.hostname}</span>
              </td>
              <td>{s.rack ?? '—'}</td>
              <td>{s.joinedAs}</td>
              <td>
                {s.status}
                {s.subState ? ` (${s.subState})` : ''}
                {s.retiring ? ', marked to retire' : ''}
              </td>
              <td>{s.inMaintenance ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
