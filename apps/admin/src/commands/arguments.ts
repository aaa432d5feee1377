import { InvalidArgumentError } from 'commander';
import { parseDurationSeconds } from '@app/config';

/** Argument parsers shared by the commands. */
export function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected a positive integer');
  return Number(text);
}

export function nonNegativeInt(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected an integer of at least 0');
  return Number(text);
}

export function duration(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new InvalidArgumentError('expected a duration such as 90d, 24h or 30m');
  return seconds;
}

export function timestamp(text: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError('expected an ISO 8601 date or date-time such as 2027-01-01 or 2027-01-01T00:00:00Z');
  }
  return new Date(text);
}

/** A commitment `LOCATION:INSTANCE_TYPE:QUANTITY`, repeatable. */
export function commitment(
  text: string,
  earlier: { locationId: number; instanceTypeId: number; quantity: number }[] = [],
) {
  const match = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('expected LOCATION:INSTANCE_TYPE:QUANTITY, e.g. 18:129:5');
  return [...earlier, { locationId: Number(match[1]), instanceTypeId: Number(match[2]), quantity: Number(match[3]) }];
}
