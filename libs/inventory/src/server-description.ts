import { Injectable } from '@nestjs/common';
import { againAfterUniqueViolation, PrismaService } from '@app/database';
import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import { SERVER_VIEW_INCLUDE, ServerView, toServerView } from './server-view';

/** What describes a server, as opposed to its lifecycle, which only the server commands change. */
export interface ServerDescription {
  hostname?: string;
  rack?: string | null;
  serviceTag?: string | null;
}

@Injectable()
export class ServerDescriptions {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A rename to a host name another server has is 409 HOSTNAME_IN_USE; when two renames to one name race, the
   * unique index refuses the later, which is checked again and answered so.
   */
  describe(serverId: number, description: ServerDescription): Promise<ServerView> {
    return againAfterUniqueViolation(() => this.apply(serverId, description));
  }

  private async apply(serverId: number, description: ServerDescription): Promise<ServerView> {
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
    const { count } = await this.prisma.server.updateMany({ where: { id: serverId }, data: description });
    if (!count) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
    return toServerView(
      await this.prisma.server.findUniqueOrThrow({ where: { id: serverId }, include: SERVER_VIEW_INCLUDE }),
    );
  }
}
