import { Injectable } from '@nestjs/common';
import { Actor, againAfterUniqueViolation, PrismaService, recordChange } from '@app/database';
import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import { SERVER_VIEW_INCLUDE, ServerView, toServerView } from './server-view';

/** What describes a server, as opposed to its lifecycle, which only the server commands change. */
export interface ServerDescription {
  hostname?: string;
  rack?: string | null;
  serviceTag?: string | null;
}

const DESCRIPTION = { hostname: true, rack: true, serviceTag: true } as const;

@Injectable()
export class ServerDescriptions {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A rename to a host name another server has is 409 HOSTNAME_IN_USE; when two renames to one name race, the
   * unique index refuses the later, which is checked again and answered so.
   */
  describe(serverId: number, description: ServerDescription, actor: Actor): Promise<ServerView> {
    return againAfterUniqueViolation(() => this.apply(serverId, description, actor));
  }

  /** Written and audited (before → after) in one transaction; the row lock orders concurrent edits. */
  private async apply(serverId: number, description: ServerDescription, actor: Actor): Promise<ServerView> {
    if (description.hostname !== undefined) {
      const holder = await this.prisma.server.findUnique({
        where: { hostname: description.hostname },
        select: { id: true },
      });
      if (holder && holder.id !== serverId) {
        throw new DomainError(
          ErrorCode.HOSTNAME_IN_USE,
          `${description.hostname} is the hostname of server ${holder.id}`,
          { hostname: description.hostname, serverId: holder.id },
        );
      }
    }
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Server" WHERE "id" = ${serverId} FOR UPDATE`;
      const before = await tx.server.findUnique({ where: { id: serverId }, select: DESCRIPTION });
      if (!before) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
      const server = await tx.server.update({
        where: { id: serverId },
        data: description,
        include: SERVER_VIEW_INCLUDE,
      });
      const after = { hostname: server.hostname, rack: server.rack, serviceTag: server.serviceTag };
      await recordChange(tx, {
        entity: 'server',
        entityId: String(serverId),
        action: 'described',
        actor,
        before,
        after,
      });
      return toServerView(server);
    });
  }
}
