import { dataOf, pageOf, rangeOf, type Schemas, type Session } from '../api';
import { hrefOf, withParams, type Route } from '../route';
import { ActionButton, ago, ErrorNotice, Loading, Pager, useLoad, when, NotAllowed } from '../ui';

type Server = Schemas['ServerResponseDto'];
type SubState = NonNullable<Server['subState']>;
type HistoryEntry = Schemas['HistoryEntryDto'];

const PAGE = 25;
/** Every sub-state of the API's, in the order the queue groups them; the compiler proves none is missing. */
const SUB_STATE_ORDER: Record<SubState, number> = {
  brokenHardware: 0,
  failedBaseline: 1,
  failedDelivery: 2,
  baselineTimeout: 3,
  networkIssue: 4,
  maintenance: 5,
  investigation: 6,
  other: 7,
};
const SUB_STATES = Object.keys(SUB_STATE_ORDER) as SubState[];

/** Isolated servers, oldest first, grouped by sub-state, with what to do about each; and overdue wipes. */
export function TriagePage({ session, route }: { session: Session; route: Route }) {
  const { client } = session;
  const start = Number(route.params.get('start') ?? 0);
  const subState = (route.params.get('subState') ?? undefined) as SubState | undefined;
  const queue = useLoad(async () => {
    const page = await pageOf(
      client.GET('/api/servers', {
        params: { query: { status: 'isolated', subState, order: 'changed' }, header: rangeOf(start, PAGE) },
      }),
    );
    // The last few entries of each server's history: why and by whom it was isolated, and what followed.
    const histories = await Promise.all(
      page.items.map((server) =>
        dataOf(
          client.GET('/api/servers/{serverId}/history', {
            params: { path: { serverId: server.id }, header: rangeOf(0, 3) },
          }),
        ),
      ),
    );
    return { ...page, histories };
  }, `${start}/${subState}`);

  if (!session.can('inventory:read'))
    return <NotAllowed title="Triage" why="This key may not read servers (scope inventory:read)" />;
  return (
    <>
      <h1>Triage</h1>
      <form className="filters" aria-label="Filters">
        <label htmlFor="sub-state">Sub-state</label>
        <select
          id="sub-state"
          value={subState ?? ''}
          onChange={(e) => (window.location.hash = withParams(route, { subState: e.target.value || undefined }))}
        >
          <option value="">all</option>
          {SUB_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </form>
      <h2>Isolated servers</h2>
      {queue.failure && <ErrorNotice failure={queue.failure} />}
      {!queue.data && !queue.failure && <Loading what="the isolated servers" />}
      {queue.data && (
        <>
          {queue.data.total === 0 && <p>No isolated server{subState ? ` with sub-state ${subState}` : ''}.</p>}
          {SUB_STATES.map((group) => {
            const servers = queue
              .data!.items.map((s, i) => [s, queue.data!.histories[i]] as const)
              .filter(([s]) => s.subState === group);
            if (!servers.length) return null;
            return (
              <section key={group} aria-labelledby={`group-${group}`}>
                <h3 id={`group-${group}`}>
                  {group} <span className="muted">({servers.length} on this page)</span>
                </h3>
                <table className="list">
                  <thead>
                    <tr>
                      <th scope="col">Server</th>
                      <th scope="col">Isolated for</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Last events</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {servers.map(([server, history]) => (
                      <IsolatedRow
                        key={server.id}
                        server={server}
                        history={history}
                        session={session}
                        onDone={queue.reload}
                      />
                    ))}
                  </tbody>
                </table>
              </section>
            );
          })}
          <Pager start={start} size={PAGE} total={queue.data.total} hrefFor={(s) => withParams(route, { start: s })} />
        </>
      )}
      <OverdueBaselines session={session} />
    </>
  );
}

function IsolatedRow({
  server,
  history,
  session,
  onDone,
}: {
  server: Server;
  history: HistoryEntry[];
  session: Session;
  onDone(): void;
}) {
  const { client } = session;
  const path = { params: { path: { serverId: server.id } } };
  const operationUuid = history.find((h) => h.operationUuid)?.operationUuid;
  return (
    <tr data-server={server.id}>
      <td>
        <a href={hrefOf(`servers/${server.id}`)}>{server.id}</a>
        <div className="muted">{server.hostname}</div>
      </td>
      <td title={when(server.updatedAt)}>{ago(server.updatedAt)}</td>
      <td>
        {server.isolationReason ?? '—'}
        {operationUuid && (
          <div className="muted">
            operation <code>{operationUuid}</code>
          </div>
        )}
      </td>
      <td>
        <ul className="compact">
          {history.map((entry) => (
            <li key={entry.id}>
              {entry.command} {entry.from ?? '∅'} → {entry.to}{' '}
              <span className="muted">
                by {entry.actor}, {ago(entry.occurredAt)} ago
              </span>
            </li>
          ))}
        </ul>
      </td>
      <td className="actions">
        {session.can('server:isolate') && (
          <ActionButton
            label="Un-isolate"
            confirm={`Send server ${server.id} through Back to Baseline? It is wiped and checked before it can return to clients.`}
            run={async () => (await dataOf(client.DELETE('/api/server/{serverId}/isolate', path))).message}
            onDone={onDone}
          />
        )}
        {session.can('server:quarantine') && (
          <ActionButton
            label="Quarantine"
            confirm={`Freeze server ${server.id} as it is for an investigation?`}
            run={async () => (await dataOf(client.POST('/api/server/{serverId}/quarantine', path))).message}
            onDone={onDone}
          />
        )}
        {session.can('inventory:write') && (
          <ActionButton
            label="Retire"
            confirm={`Retire server ${server.id} for good? It is wiped once more before it leaves the fleet.`}
            run={async () =>
              (
                await dataOf(
                  client.POST('/api/servers/{serverId}/retire', {
                    ...path,
                    body: { reason: `retired from the console by ${session.name}` },
                  }),
                )
              ).message
            }
            onDone={onDone}
          />
        )}
      </td>
    </tr>
  );
}

/** Back to Baseline runs under way for more than half the watchdog's time: they are isolated when it runs out. */
function OverdueBaselines({ session }: { session: Session }) {
  const { client } = session;
  const runs = useLoad(async () => {
    const [page, baselines] = await Promise.all([
      pageOf(
        client.GET('/api/servers', {
          params: { query: { status: 'baselining', order: 'changed' }, header: rangeOf(0, 1000) },
        }),
      ),
      dataOf(client.GET('/api/capacity/baselines')),
    ]);
    const timeoutMs = (baselines[0]?.timeoutSeconds ?? 14_400) * 1000;
    const now = Date.now();
    const overdue = page.items
      .filter((s) => s.baselineDispatchedAt && now - new Date(s.baselineDispatchedAt).getTime() > timeoutMs / 2)
      .map((s) => ({ server: s, leftMs: timeoutMs - (now - new Date(s.baselineDispatchedAt!).getTime()) }));
    return overdue.sort((a, b) => a.leftMs - b.leftMs);
  }, 'overdue');
  return (
    <section aria-labelledby="overdue">
      <h2 id="overdue">Overdue Back to Baseline</h2>
      {runs.failure && <ErrorNotice failure={runs.failure} />}
      {runs.data && runs.data.length === 0 && <p>No Back to Baseline run is near the watchdog.</p>}
      {runs.data && runs.data.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Dispatched</th>
              <th scope="col">Watchdog in</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map(({ server, leftMs }) => (
              <tr key={server.id}>
                <td>
                  <a href={hrefOf(`servers/${server.id}`)}>{server.id}</a>
                </td>
                <td>{when(server.baselineDispatchedAt)}</td>
                <td>{leftMs > 0 ? `${Math.round(leftMs / 60_000)} min` : 'now'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
