import { ConsoleLogger } from '@nestjs/common';
import { seededRandom } from '../../../test/support/seeded-random';
import { ServiceLogger } from './service-logger';

/** Both serialisations of a log line, side by side. */
class Serialisations extends ServiceLogger {
  private readonly nest = new (class extends ConsoleLogger {
    stringify(line: Record<string, unknown>): string {
      return this.stringifyJsonLogObject(line);
    }
  })({ json: true });

  ours(line: Record<string, unknown>): string {
    return this.stringifyJsonLogObject(line);
  }

  nests(line: Record<string, unknown>): string {
    return this.nest.stringify(line);
  }
}

const PIECES = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u2028',
  'é',
  '😀',
  '\ud800',
  '/',
  '{}',
  'ms',
];
const NUMBERS = [0, -0, 1, -17, 3.25, 1e21, 2 ** 53 + 2, NaN, Infinity, -Infinity, Date.now()];

describe('ServiceLogger', () => {
  it('writes a line of strings and numbers as Nest does, on random lines', () => {
    const below = seededRandom(17);
    const pick = <T>(items: T[]) => items[below(items.length)];
    const text = () => Array.from({ length: below(40) }, () => pick(PIECES)).join('');
    const logger = new Serialisations(['log'], true);
    for (let i = 0; i < 2000; i++) {
      const line: Record<string, unknown> = {};
      for (let field = below(7); field > 0; field--) {
        line[text() || 'level'] = below(10) < 6 ? text() : pick(NUMBERS);
      }
      expect(logger.ours(line)).toBe(logger.nests(line));
    }
  });

  it('leaves any other line, and a very long one, to Nest', () => {
    const logger = new Serialisations(['log'], true);
    const lines = [
      { level: 'log', message: { id: 1n, tags: new Set(['a']) } },
      { level: 'log', message: 'x'.repeat(1_200_000) },
      { level: 'error', message: 'failed', stack: ['Error: failed', '    at here'] },
    ];
    for (const line of lines) expect(logger.ours(line)).toBe(logger.nests(line));
    expect(logger.ours(lines[1])).toContain('[Truncated]');
  });

  it('writes the lines of a moment in one write, each stream its own', async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const logger = new ServiceLogger(['log', 'error'], true);
      logger.log('first', 'Test');
      logger.error('broken', undefined, 'Test');
      logger.log('second', 'Test');
      expect(stdout).not.toHaveBeenCalled();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stdout).toHaveBeenCalledTimes(1);
      const lines = String(stdout.mock.calls[0][0])
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toMatchObject([
        { level: 'log', message: 'first', context: 'Test' },
        { level: 'log', message: 'second', context: 'Test' },
      ]);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(stderr.mock.calls[0][0]))).toMatchObject({ level: 'error', message: 'broken' });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
