import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/processes';

const SERVICE_LOGGER = join(ROOT, 'dist/libs/api-kit/src/service-logger.js');

/** A process that logs through the service's logger and then ends as `ending` says: what it printed. */
function logThenEnd(ending: string): { stdout: string; status: number | null } {
  const script = `
    const { ServiceLogger } = require(${JSON.stringify(SERVICE_LOGGER)});
    const logger = new ServiceLogger(['log'], true);
    logger.log('first', 'Test');
    logger.log('last', 'Test');
    ${ending}`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  return { stdout: child.stdout, status: child.status };
}

const messages = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { message: string }).message);

/** Log lines wait a moment to leave together (log-lines.ts): none is lost when the process ends first. */
describe('Log lines at the end of a process', () => {
  it.each([
    ['process.exit', 'process.exit(3)', 3],
    ['an uncaught exception', "throw new Error('boom')", 1],
    ['the event loop running dry', '', 0],
  ])('are written when it ends by %s', (_name, ending, status) => {
    const ended = logThenEnd(ending);
    expect(ended.status).toBe(status);
    expect(messages(ended.stdout)).toEqual(['first', 'last']);
  });
});
