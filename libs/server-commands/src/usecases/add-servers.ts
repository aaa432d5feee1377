import { Injectable } from '@nestjs/common';
import { againAfterUniqueViolation, PrismaService, Server } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { EventType } from '@app/events';
import { InventoryImporter, ServerRecord } from '@app/inventory';
import { ENTRY_STATUS } from '@app/lifecycle';
import { Actor } from '../server-state.repository';

export type NewServer = Pick<ServerRecord, 'id' | 'hostname' | 'locationId' | 'instanceTypeId' | 'rack' | 'serviceTag'>;

/**
 * New servers enter the fleet through Back to Baseline, so that MetalWorks wipes and checks each one
 * before any client gets it: in one statement, the servers, an audit row and a `server.baseline.requested`
 * event each (cause `added`).
 */
const ADD_SERVERS = {
  name: 'add-servers',
  text: `WITH servers AS (
  INSERT INTO "Server" ("id", "hostname", "locationId", "instanceTypeId", "rack", "serviceTag", "status", "baselineStartedAt", "baselineId", "updatedAt")
  SELECT s.id, s.hostname, s.location_id, s.instance_type_id, s.rack, s.service_tag, $7::"ServerStatus", $8::timestamp, gen_random_uuid(), $8::timestamp
  FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[]) AS s(id, hostname, location_id, instance_type_id, rack, service_tag)
  RETURNING *
), audits AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "occurredAt")
  SELECT s."id", $9, 'add', NULL, s."status", $8::timestamp FROM servers s
  RETURNING "id", "serverId"
), events AS (
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
  SELECT gen_random_uuid(), '${EventType.BaselineRequested}', s."id", au."id",
    jsonb_build_object('server', "event_server"(s::"Server"), 'command', 'add', 'from', NULL, 'to', s."status", 'actor', $9::text,
      'subState', NULL, 'reason', NULL, 'operationUuid', NULL, 'allocation', NULL, 'baseline', jsonb_build_object('cause', 'added', 'id', s."baselineId")), $8::timestamp
  FROM servers s JOIN audits au ON au."serverId" = s."id" ORDER BY s."id"
)
SELECT * FROM servers ORDER BY "id"`,
};

@Injectable()
export class AddServers {
  constructor(
    private readonly prisma: PrismaService,
    private readonly importer: InventoryImporter,
  ) {}

  /**
   * All or nothing, with the import's rules and messages; a server that exists already is a problem here.
   * Another request adding the same id or host name at the same moment wins the insert: this one is then
   * checked again, and answered as if it had come after (400 naming the server that exists).
   */
  execute(servers: NewServer[], actor: Actor): Promise<Server[]> {
    return againAfterUniqueViolation(() => this.add(servers, actor));
  }

  private async add(servers: NewServer[], actor: Actor): Promise<Server[]> {
    const problems = await this.importer.problems({ servers });
    const known = await this.prisma.server.findMany({
      where: { id: { in: servers.map((s) => s.id) } },
      select: { id: true },
    });
    for (const { id } of known)
      problems.push({
        record: `servers[${servers.findIndex((s) => s.id === id)}]`,
        id,
        field: 'id',
        problem: `server ${id} exists already`,
      });
    if (problems.length) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `${problems.length} problem(s) with the servers; none was added`,
        { problems },
      );
    }
    const column = <T>(pick: (s: NewServer) => T) => servers.map(pick);
    return this.prisma.sql.rows<Server>(ADD_SERVERS, [
      column((s) => s.id),
      column((s) => s.hostname),
      column((s) => s.locationId),
      column((s) => s.instanceTypeId),
      column((s) => s.rack ?? null),
      column((s) => s.serviceTag ?? null),
      ENTRY_STATUS,
      new Date().toISOString(),
      actor.name,
    ]);
  }
}
