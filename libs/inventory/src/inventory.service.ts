import { Injectable } from '@nestjs/common';
import { InstanceType, Location, Page, Slice } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { InventoryRepository, ServerFilter } from './inventory.repository';
import { ServerView } from './server-view';

export interface InstanceTypeView extends Omit<InstanceType, 'pricePerHour' | 'currencyId'> {
  pricing: { price: number; currencyId: number; type: 'hour' }[];
}

/** Instance types are shown as seed 000 shows them, with a `pricing` list. */
function toInstanceTypeView({ pricePerHour, currencyId, ...rest }: InstanceType): InstanceTypeView {
  return { ...rest, pricing: [{ price: Number(pricePerHour), currencyId, type: 'hour' }] };
}

@Injectable()
export class InventoryService {
  constructor(private readonly inventory: InventoryRepository) {}

  locations(slice: Slice): Promise<Page<Location>> {
    return this.inventory.locations(slice);
  }

  async instanceTypes(locationId: number, slice: Slice): Promise<Page<InstanceTypeView>> {
    if (!(await this.inventory.locationExists(locationId)))
      throw new NotFoundError(ErrorCode.LOCATION_NOT_FOUND, 'Location', locationId);
    const page = await this.inventory.instanceTypes(locationId, slice);
    return { items: page.items.map(toInstanceTypeView), total: page.total };
  }

  servers(filter: ServerFilter, slice: Slice): Promise<Page<ServerView>> {
    return this.inventory.servers(filter, slice);
  }

  async server(id: number): Promise<ServerView> {
    const server = await this.inventory.server(id);
    if (!server) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', id);
    return server;
  }
}
