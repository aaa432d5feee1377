import { ErrorCode } from '@app/errors';
import {
  FINAL_STATUSES,
  restoredStatus,
  SERVER_COMMANDS,
  SERVER_LIFECYCLE,
  SERVER_STATUSES,
  transitionFor,
} from './server-lifecycle';

describe('the server lifecycle table', () => {
  it('has at most one transition per state, command and condition, and one without a condition', () => {
    const keys = SERVER_LIFECYCLE.map((t) => `${t.from}/${t.command}/${t.when ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of SERVER_LIFECYCLE.filter((t) => t.when))
      expect(SERVER_LIFECYCLE.some((u) => u.from === t.from && u.command === t.command && !u.when)).toBe(true);
  });

  it('says why each transition exists', () => {
    for (const t of SERVER_LIFECYCLE) expect(t.why.length).toBeGreaterThan(10);
  });

  it('lets every state but the final ones be left, and every state be reached', () => {
    for (const status of SERVER_STATUSES) {
      expect(SERVER_LIFECYCLE.some((t) => t.from === status && t.to !== status)).toBe(!FINAL_STATUSES.includes(status));
      expect(SERVER_LIFECYCLE.some((t) => t.to === status && t.from !== status)).toBe(true);
    }
  });

  it('retires a server only once it is wiped, and never brings one back', () => {
    expect(transitionFor('available', 'retire', 1).to).toBe('retired');
    expect(transitionFor('isolated', 'retire', 1).to).toBe('baselining');
    expect(transitionFor('isolated', 'retire', 1, ['disksDestroyed']).to).toBe('retired');
    expect(transitionFor('allocated', 'retire', 1).to).toBe('allocated');
    expect(transitionFor('baselining', 'retire', 1).to).toBe('baselining');
    expect(transitionFor('baselining', 'available', 1, ['markedToRetire']).to).toBe('retired');
    expect(() => transitionFor('quarantined', 'retire', 1)).toThrow();
    for (const command of SERVER_COMMANDS)
      expect(() => transitionFor('retired', command, 1)).toThrow(expect.objectContaining({ code: ErrorCode.RETIRED }));
  });

  it('never gives a server of an open maintenance, or one marked to retire, back to clients', () => {
    expect(transitionFor('baselining', 'available', 1, ['inMaintenance']).to).toBe('isolated');
    expect(transitionFor('baselining', 'available', 1, ['inMaintenance', 'markedToRetire']).to).toBe('retired');
    expect(restoredStatus('available', ['inMaintenance'])).toBe('isolated');
    expect(restoredStatus('available', ['markedToRetire'])).toBe('retired');
    expect(restoredStatus('allocated', ['inMaintenance', 'markedToRetire'])).toBe('allocated');
    for (const conditions of [['inMaintenance'], ['markedToRetire']] as const)
      for (const t of SERVER_LIFECYCLE)
        if (t.to === 'available' && t.from !== 'available')
          expect(transitionFor(t.from, t.command, 1, conditions).to).not.toBe('available');
  });

  it('refuses what is not in the table with a code that says why', () => {
    expect(() => transitionFor('baselining', 'allocate', 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_STATE }),
    );
    expect(() => transitionFor('quarantined', 'deallocate', 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.QUARANTINED }),
    );
    expect(() => transitionFor('available', 'unisolate', 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.NOT_ISOLATED }),
    );
    expect(() => transitionFor('isolated', 'unquarantine', 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.NOT_QUARANTINED }),
    );
    expect(() => transitionFor('allocated', 'available', 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.NOT_BASELINING }),
    );
  });

  it('answers every state and command, one way or the other', () => {
    for (const status of SERVER_STATUSES) {
      for (const command of SERVER_COMMANDS) {
        let outcome: string;
        try {
          outcome = transitionFor(status, command, 7).to;
        } catch (error) {
          outcome = (error as { code: string }).code;
        }
        expect(outcome).toBeTruthy();
      }
    }
  });
});
