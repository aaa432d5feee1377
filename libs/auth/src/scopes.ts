/** Every scope an API key can carry, with what it allows. The one list of them. */
export const SCOPES = {
  'server:allocate': 'allocate a server to a client',
  'server:deallocate': 'end a client allocation (Back to Baseline follows)',
  'server:compensate': 'end an allocation that failed to deliver, without billing',
  'server:isolate': 'isolate a server and move it out of isolation',
  'server:quarantine': 'freeze a server for an investigation and lift the quarantine',
  'server:available': 'mark a server Available after a successful Back to Baseline',
  'inventory:read': 'read locations, instance types, servers and their history',
  'inventory:write': 'change the inventory: add, describe and retire servers',
  'metrics:read': 'read GET /metrics when METRICS_AUTH=key',
  admin: 'manage API keys, event hooks and maintenances',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}
