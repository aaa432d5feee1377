import { InvalidArgumentError } from 'commander';
import { parseDurationSeconds } from '@app/config';

/** Argument parsers shared by the commands. */
export function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected a positive integer');
  return Number(text);
}

export function duration(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new InvalidArgumentError('expected a duration such as 90d, 24h or 30m');
  return seconds;
}
