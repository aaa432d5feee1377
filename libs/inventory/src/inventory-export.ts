import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { InventoryFile } from './inventory-file';

/** The whole inventory in the import format, so that an export imports back unchanged. */
@Injectable()
export class InventoryExporter {
  constructor(private readonly prisma: PrismaService) {}

  async export(): Promise<Required<InventoryFile>> {
    const [locations, instanceTypes, servers, clients, contracts] = await Promise.all([
      this.prisma.location.findMany({ orderBy: { id: 'asc' } }),
      this.prisma.instanceType.findMany({ orderBy: { id: 'asc' } }),
      this.prisma.server.findMany({ orderBy: { id: 'asc' } }),
      this.prisma.client.findMany({ orderBy: { id: 'asc' } }),
      this.prisma.contract.findMany({
        orderBy: { contractId: 'asc' },
        include: { commitments: { orderBy: [{ locationId: 'asc' }, { instanceTypeId: 'asc' }] } },
      }),
    ]);
    return {
      locations,
      instanceTypes: instanceTypes.map((t) => ({ ...t, pricePerHour: Number(t.pricePerHour) })),
      servers: servers.map((s) => ({
        id: s.id,
        hostname: s.hostname,
        locationId: s.locationId,
        instanceTypeId: s.instanceTypeId,
        rack: s.rack,
        serviceTag: s.serviceTag,
        status: s.status,
        subState: s.subState,
        isolationReason: s.isolationReason,
      })),
      clients: clients.map((c) => ({ id: c.id, name: c.name, onDemandLimit: c.onDemandLimit })),
      contracts: contracts.map((c) => ({
        contractId: c.contractId,
        clientId: c.clientId,
        startsAt: c.startsAt.toISOString(),
        endsAt: c.endsAt?.toISOString() ?? null,
        commitments: c.commitments.map(({ locationId, instanceTypeId, quantity }) => ({
          locationId,
          instanceTypeId,
          quantity,
        })),
      })),
    };
  }
}
