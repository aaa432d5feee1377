import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IsolationSubState, PrismaService } from '@app/database';
import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import { AllocationView, ServerView, toAllocationView, toServerView } from '@app/inventory';
import { Status, transitionFor } from '@app/lifecycle';
import { takenFromJson } from '../allocation-query';
import { destructiveLimitReached } from '../destructive-limit';
import { requestHash } from '../idempotency';
import { Caller } from './allocate-servers';

export interface ReplaceRequest {
  subState: IsolationSubState;
  reason?: string | null;
  operationUuid?: string | null;
}

/** The broken server, isolated with its allocation ended REPLACED, and the server that took its place. */
export interface ReplaceResult {
  command: 'replace';
  changed: boolean;
  message: string;
  server: ServerView;
  allocation: AllocationView;
  replacement: { server: ServerView; allocation: AllocationView };
}

type Pair = { server: Record<string, unknown>; allocation: Record<string, unknown> };
interface ReplaceOutcome {
  refusal?: string;
  status?: Status;
  available?: number;
  reserved?: number;
  replayed?: boolean;
  old?: Pair;
  new?: Pair;
}

const REPLACE = {
  name: 'replace-server',
  text: `SELECT "replace_server"($1::int, $2::int, $3::"IsolationSubState", $4::text, $5::uuid, $6::text, $7::int, $8::int, $9::text,
    $10::text, $11::timestamp, $12::timestamp, $13::int) AS outcome`,
};

/**
 * Replace a client's broken server in one transaction (prisma/sql/replace_server.sql): the server is isolated and
 * another of its pool is allocated to the client on the same quota and contract; all or nothing. With an
 * Idempotency-Key a retry answers the replacement made, like allocate.
 */
@Injectable()
export class ReplaceServer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  async replace(
    clientId: number,
    serverId: number,
    request: ReplaceRequest,
    caller: Caller,
    idempotencyKey?: string,
  ): Promise<ReplaceResult> {
    const now = new Date();
    const [{ outcome }] = await this.prisma.sql.rows<{ outcome: ReplaceOutcome }>(REPLACE, [
      clientId,
      serverId,
      request.subState,
      request.reason ?? null,
      request.operationUuid ?? null,
      caller.name,
      caller.id,
      caller.id,
      idempotencyKey ?? null,
      idempotencyKey ? requestHash({ kind: 'replace', clientId, serverId, ...request }) : null,
      new Date(now.getTime() + this.config.idempotencyTtlSeconds * 1000).toISOString(),
      now.toISOString(),
      this.config.destructiveLimit || null,
    ]);
    if (outcome.refusal) throw refusalOf(outcome, clientId, serverId, idempotencyKey);
    const old = takenFromJson(outcome.old!.server, outcome.old!.allocation);
    const replacement = takenFromJson(outcome.new!.server, outcome.new!.allocation);
    return {
      command: 'replace',
      changed: !outcome.replayed,
      message: outcome.replayed
        ? `Repeated request (Idempotency-Key ${idempotencyKey}): server ${old.server.id} was replaced by server ${replacement.server.id}`
        : `Server ${old.server.id} isolated (${request.subState}) and replaced by server ${replacement.server.id}, allocated to client ${clientId} on the same quota`,
      server: toServerView(old.server),
      allocation: toAllocationView(old.allocation),
      replacement: { server: toServerView(replacement.server), allocation: toAllocationView(replacement.allocation) },
    };
  }
}

function refusalOf(outcome: ReplaceOutcome, clientId: number, serverId: number, key?: string): Error {
  switch (outcome.refusal) {
    case 'CLIENT_NOT_FOUND':
      return new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId);
    case 'SERVER_NOT_FOUND':
      return new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
    case 'IDEMPOTENCY_KEY_REUSED':
      return new DomainError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        `Idempotency-Key ${key} was used for a different request`,
        {
          idempotencyKey: key,
        },
      );
    case 'TOO_MANY_REQUESTS':
      return destructiveLimitReached(new Date());
    case 'NOT_HELD_BY_CLIENT':
      return new DomainError(
        ErrorCode.NOT_HELD_BY_CLIENT,
        `Server ${serverId} is allocated to another client than ${clientId}: nothing changed`,
        { serverId, clientId },
      );
    case 'NO_CAPACITY':
      return new DomainError(
        ErrorCode.NO_CAPACITY,
        `No server of the pool is Available to replace server ${serverId}: nothing changed`,
        { available: outcome.available ?? 0, reserved: outcome.reserved ?? 0, requested: 1 },
      );
    default:
      // Not allocated: the lifecycle table says why (409 INVALID_STATE, QUARANTINED, RETIRED).
      try {
        transitionFor(outcome.status!, 'replace', serverId);
      } catch (refused) {
        return refused as Error;
      }
      return new Error(`replace_server refused server ${serverId} without a reason: ${outcome.refusal}`);
  }
}
