import { DomainError, ErrorCode } from '@app/errors';

export const SERVER_STATUSES = ['available', 'allocated', 'baselining', 'isolated', 'quarantined', 'retired'] as const;
export type Status = (typeof SERVER_STATUSES)[number];

export const SERVER_COMMANDS = [
  'allocate',
  'deallocate',
  'compensate',
  'isolate',
  'unisolate',
  'available',
  'quarantine',
  'unquarantine',
  'retire',
  'replace',
] as const;

/** A new server enters the fleet through Back to Baseline: MetalWorks wipes and checks it before any client gets it. */
export const ENTRY_STATUS: Status = 'baselining';

/** States no command leaves: the server is out of the fleet for good. */
export const FINAL_STATUSES: readonly Status[] = ['retired'];
export type ServerCommand = (typeof SERVER_COMMANDS)[number];

/** `restore`: back to the status the server was frozen in. */
export type Target = Status | 'restore';

/**
 * What else decides where a command leads, besides the status: the server's marks (in an open maintenance, marked
 * to retire) and what staff state with the command (its disks are destroyed).
 */
export const CONDITIONS = ['markedToRetire', 'inMaintenance', 'disksDestroyed'] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface Transition {
  from: Status;
  command: ServerCommand;
  /** Applies only under this condition, before the transition of the same state and command without one. */
  when?: Condition;
  to: Target;
  /** A repeated call that finds its work done: answered 200, nothing written. */
  noop?: true;
  why: string;
}

/**
 * The lifecycle of a physical server: every command goes through this table, and anything not
 * in it is refused (409) without changing anything.
 */
export const SERVER_LIFECYCLE: readonly Transition[] = [
  {
    from: 'available',
    command: 'allocate',
    to: 'allocated',
    why: 'a client takes an Available server of the pool it asked for',
  },

  {
    from: 'allocated',
    command: 'deallocate',
    to: 'baselining',
    why: 'the client is done: wipe and health-check it before anyone else gets it',
  },
  {
    from: 'allocated',
    command: 'compensate',
    to: 'baselining',
    why: 'delivery failed: the client is not billed, and the server is wiped and checked',
  },

  { from: 'available', command: 'isolate', to: 'isolated', why: 'found faulty, or taken by a maintenance, while idle' },
  {
    from: 'allocated',
    command: 'isolate',
    to: 'isolated',
    why: 'failed while in use: the allocation ends and its quota is given back',
  },
  {
    from: 'allocated',
    command: 'replace',
    to: 'isolated',
    why: 'failed while in use, and its client gets another server of the pool on the same quota, in the same transaction',
  },
  {
    from: 'baselining',
    command: 'isolate',
    to: 'isolated',
    why: 'Back to Baseline failed (failedBaseline) or took too long (baselineTimeout)',
  },
  { from: 'isolated', command: 'isolate', to: 'isolated', why: 'a new finding: the sub-state and reason are replaced' },
  {
    from: 'isolated',
    command: 'unisolate',
    to: 'baselining',
    why: 'repaired: Back to Baseline decides whether it is fit for clients again',
  },

  {
    from: 'baselining',
    command: 'available',
    to: 'available',
    why: 'Back to Baseline succeeded: MetalWorks releases it to the pool',
  },
  {
    from: 'baselining',
    command: 'available',
    when: 'markedToRetire',
    to: 'retired',
    why: 'wiped and checked: it leaves the fleet as it was marked to, with nothing of its last client on it',
  },
  {
    from: 'baselining',
    command: 'available',
    when: 'inMaintenance',
    to: 'isolated',
    why: 'wiped and checked: it joins its maintenance instead of going back to clients',
  },
  { from: 'available', command: 'available', to: 'available', noop: true, why: 'MetalWorks repeated its call' },

  { from: 'available', command: 'quarantine', to: 'quarantined', why: 'frozen as it is for an investigation' },
  {
    from: 'allocated',
    command: 'quarantine',
    to: 'quarantined',
    why: 'frozen with its allocation and disks for an investigation',
  },
  {
    from: 'baselining',
    command: 'quarantine',
    to: 'quarantined',
    why: 'frozen before the wipe destroys what is to be investigated',
  },
  { from: 'isolated', command: 'quarantine', to: 'quarantined', why: 'frozen with its isolation for an investigation' },
  { from: 'quarantined', command: 'quarantine', to: 'quarantined', noop: true, why: 'already frozen' },
  {
    from: 'quarantined',
    command: 'unquarantine',
    to: 'restore',
    why: 'the investigation is over: back to the state it was frozen in',
  },

  {
    from: 'available',
    command: 'retire',
    to: 'retired',
    why: 'leaves the fleet for good while idle; its history stays',
  },
  {
    from: 'allocated',
    command: 'retire',
    to: 'allocated',
    why: 'marked to retire: once its client is done, Back to Baseline wipes it and it leaves the fleet',
  },
  {
    from: 'baselining',
    command: 'retire',
    to: 'baselining',
    why: 'marked to retire: the Back to Baseline under way ends in retired instead of Available',
  },
  {
    from: 'isolated',
    command: 'retire',
    to: 'baselining',
    why: "a final wipe first, so that its last client's data does not leave the fleet with it; then retired",
  },
  {
    from: 'isolated',
    command: 'retire',
    when: 'disksDestroyed',
    to: 'retired',
    why: 'beyond repair and its disks destroyed (staff say so, recorded): nothing is left to wipe',
  },
];

/** Why a command is refused, for the commands whose refusal has a more telling code than INVALID_STATE. */
function refusalCode(from: Status, command: ServerCommand): ErrorCode {
  if (from === 'quarantined') return ErrorCode.QUARANTINED;
  if (from === 'retired') return ErrorCode.RETIRED;
  if (command === 'unisolate') return ErrorCode.NOT_ISOLATED;
  if (command === 'unquarantine') return ErrorCode.NOT_QUARANTINED;
  if (command === 'available') return ErrorCode.NOT_BASELINING;
  return ErrorCode.INVALID_STATE;
}

/**
 * The transition `command` takes from `from` under `conditions` (the first of the table's that applies; the order of
 * the conditions' list decides between two), or a DomainError (409) saying why it is not allowed.
 */
export function transitionFor(
  from: Status,
  command: ServerCommand,
  serverId: number,
  conditions: readonly Condition[] = [],
): Transition {
  const candidates = SERVER_LIFECYCLE.filter((t) => t.from === from && t.command === command);
  const transition =
    CONDITIONS.filter((c) => conditions.includes(c))
      .map((c) => candidates.find((t) => t.when === c))
      .find((t) => t !== undefined) ?? candidates.find((t) => t.when === undefined);
  if (!transition) {
    const allowed = [...new Set(SERVER_LIFECYCLE.filter((t) => t.from === from).map((t) => t.command))];
    throw new DomainError(refusalCode(from, command), `Server ${serverId} is ${from}: ${command} is not allowed`, {
      serverId,
      status: from,
      command,
      allowedCommands: allowed,
    });
  }
  return transition;
}

/** The conditions under which `command` leads a server in `from` elsewhere than its transition without one. */
export function divertingConditions(from: Status, command: ServerCommand): Condition[] {
  return SERVER_LIFECYCLE.flatMap((t) => (t.from === from && t.command === command && t.when ? [t.when] : []));
}

/**
 * Where an unquarantined server goes: back to the status it was frozen in, except that an idle (so wiped) server
 * never goes back to clients when it is marked to retire (it is retired) or in an open maintenance (it joins it).
 */
export function restoredStatus(frozenIn: Status, conditions: readonly Condition[]): Status {
  if (frozenIn !== 'available') return frozenIn;
  if (conditions.includes('markedToRetire')) return 'retired';
  return conditions.includes('inMaintenance') ? 'isolated' : frozenIn;
}
