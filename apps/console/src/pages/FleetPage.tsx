import { pageOf, rangeOf, dataOf, type Schemas, type Session } from '../api';
import { ErrorNotice, Loading, useLoad, NotAllowed } from '../ui';

type Pool = Schemas['PoolCapacityDto'];
type Status = keyof Pool['servers'];

/** How each status of the API's is named, in the order a bar stacks them; the compiler proves none is missing. */
const STATUS_NAMES: Record<Status, string> = {
  available: 'Available',
  allocated: 'Allocated',
  baselining: 'Back to Baseline',
  isolated: 'Isolated',
  quarantined: 'Quarantined',
  retired: 'Retired',
};
const STATUSES = Object.entries(STATUS_NAMES) as [Status, string][];

const ALL = 1000;

/** Headroom below a tenth of the pool's servers in service (or none at all) stands out. */
const lowHeadroom = (pool: Pool) => {
  const inService = pool.servers.available + pool.servers.allocated + pool.servers.baselining;
  return pool.onDemandHeadroom === 0 || pool.onDemandHeadroom < inService / 10;
};

/** Every pool per location, from the engine's counters: instant however large the fleet. */
export function FleetPage({ session }: { session: Session }) {
  const { client } = session;
  const fleet = useLoad(
    () =>
      Promise.all([
        pageOf(client.GET('/api/capacity', { params: { header: rangeOf(0, ALL) } })),
        pageOf(client.GET('/api/locations', { params: { header: rangeOf(0, ALL) } })),
        dataOf(client.GET('/api/capacity/baselines')),
      ]),
    'fleet',
  );
  if (!session.can('inventory:read'))
    return <NotAllowed title="Fleet" why="This key may not read the fleet (scope inventory:read)" />;
  if (fleet.failure) return <ErrorNotice failure={fleet.failure} />;
  if (!fleet.data) return <Loading what="the fleet" />;
  const [pools, locations, baselines] = fleet.data;
  return (
    <>
      <h1>Fleet</h1>
      <Legend />
      {locations.items.map((location) => {
        const runs = baselines.find((b) => b.locationId === location.id);
        return (
          <section key={location.id} aria-labelledby={`location-${location.id}`}>
            <h2 id={`location-${location.id}`}>
              {location.displayName} <span className="muted">(location {location.id})</span>
            </h2>
            {runs && (
              <p className="muted">
                Back to Baseline: {runs.running} running of at most {runs.maxInFlight}, {runs.waiting} waiting
              </p>
            )}
            {pools.items
              .filter((pool) => pool.locationId === location.id)
              .map((pool) => (
                <PoolRow key={pool.instanceTypeId} pool={pool} />
              ))}
          </section>
        );
      })}
    </>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      {STATUSES.map(([status, name]) => (
        <li key={status}>
          <span className={`swatch ${status}`} aria-hidden="true" /> {name}
        </li>
      ))}
      <li>
        <span className="swatch reserve" aria-hidden="true" /> Reserve (committed, not taken)
      </li>
    </ul>
  );
}

function PoolRow({ pool }: { pool: Pool }) {
  const total = STATUSES.reduce((sum, [status]) => sum + pool.servers[status], 0);
  const percent = (n: number) => `${total ? (100 * n) / total : 0}%`;
  const low = lowHeadroom(pool);
  const summary = STATUSES.map(([status, name]) => `${pool.servers[status]} ${name}`).join(', ');
  return (
    <div className={`pool${low ? ' low' : ''}`} data-pool={pool.instanceTypeId}>
      <div className="pool-head">
        <strong>{pool.instanceTypeName}</strong> <span className="muted">pool {pool.instanceTypeId}</span>
        {low && <span className="badge">low headroom</span>}
      </div>
      <div className="bar" role="img" aria-label={`${pool.instanceTypeName}: ${summary}; reserve ${pool.reserved}`}>
        {STATUSES.map(([status]) => (
          <span key={status} className={`segment ${status}`} style={{ width: percent(pool.servers[status]) }} />
        ))}
        {/* The reserve is the part of the Available servers that committed contracts may still take. */}
        <span className="reserve-mark" style={{ width: percent(Math.min(pool.reserved, pool.servers.available)) }} />
      </div>
      <table className="figures">
        <thead>
          <tr>
            {STATUSES.map(([status, name]) => (
              <th key={status} scope="col">
                {name}
              </th>
            ))}
            <th scope="col">Reserve</th>
            <th scope="col">On-demand headroom</th>
            <th scope="col">In maintenance (pending)</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            {STATUSES.map(([status]) => (
              <td key={status} data-figure={status}>
                {pool.servers[status]}
              </td>
            ))}
            <td data-figure="reserved">{pool.reserved}</td>
            <td data-figure="onDemandHeadroom">{pool.onDemandHeadroom}</td>
            <td data-figure="pendingMaintenance">{pool.pendingMaintenance}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
