import { InvalidFieldError } from '@app/errors';

/** Which servers a maintenance takes: a list, a rack of a location, a pool, or a whole location. */
export interface Selector {
  serverIds?: number[];
  locationId?: number;
  rack?: string;
  instanceTypeId?: number;
}

/**
 * One kind of selection at a time: `serverIds` alone; `rack` with its `locationId`; `instanceTypeId` with its
 * `locationId`; or `locationId` alone. Anything else is a 400 naming the field.
 */
export function checkSelector(selector: Selector): void {
  const { serverIds, locationId, rack, instanceTypeId } = selector;
  if (serverIds !== undefined) {
    if (locationId !== undefined || rack !== undefined || instanceTypeId !== undefined)
      throw new InvalidFieldError('selector', 'selects by serverIds alone, or by rack, pool or location: not both');
    return;
  }
  if (locationId === undefined)
    throw new InvalidFieldError('selector', 'needs serverIds, or a locationId (with a rack or an instanceTypeId)');
  if (rack !== undefined && instanceTypeId !== undefined)
    throw new InvalidFieldError('selector', 'selects a rack or a pool (instanceTypeId), not both');
}
