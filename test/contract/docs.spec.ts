import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SCOPES, SCOPES } from '@app/auth';
import { loadConfig } from '@app/config';

const ROOT = join(__dirname, '..', '..');
const doc = (name: string) => readFileSync(join(ROOT, name), 'utf8');

/** The rows of the first table after `heading` in a Markdown text, as arrays of cells. */
function tableAfter(text: string, heading: string): string[][] {
  const rest = text.slice(text.indexOf(heading));
  const lines = rest.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const codeNames = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** What the documentation states that the code also states is checked against the code. */
describe('the documentation', () => {
  it('lists, in its configuration table, exactly the variables the service reads (libs/config/src/app-config.ts)', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadConfig(env, ROOT);
    const documented = tableAfter(doc('docs/operations.md'), '## Configuration').flatMap(([variables]) =>
      codeNames(variables),
    );
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it('lists exactly the scopes of libs/auth/src/scopes.ts, with what each allows', () => {
    const rows = tableAfter(doc('docs/api.md'), '## API keys and scopes');
    expect(rows.map(([scope, allows]) => [codeNames(scope)[0], allows])).toEqual(
      ALL_SCOPES.map((scope) => [scope, SCOPES[scope]]),
    );
  });

  it('keeps the README a front door a newcomer reads in five minutes', () => {
    expect(doc('README.md').split('\n').length).toBeLessThanOrEqual(150);
  });
});
