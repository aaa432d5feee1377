/** One column of a table: its header and how to read a row's cell. */
export type Column<T> = [header: string, cell: (row: T) => unknown];

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Rows as an aligned table for people (numbers to the right); `empty` when there are none. */
export function table<T>(rows: T[], columns: Column<T>[], empty = 'None.'): string {
  if (!rows.length) return empty;
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const widths = columns.map(([header], i) => Math.max(header.length, ...cells.map((r) => text(r[i]).length)));
  const line = (values: unknown[]) =>
    values
      .map((v, i) => (typeof v === 'number' ? text(v).padStart(widths[i]) : text(v).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([header]) => header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join(
    '\n',
  );
}
