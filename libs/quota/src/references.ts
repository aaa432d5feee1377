import { DomainError, ErrorCode, NotFoundError } from '@app/errors';

/** What an allocation (or a quota check) names. */
export interface QuotaSubject {
  locationId: number;
  instanceTypeId: number;
  clientId: number;
  /** Null: on-demand quota. */
  contractId: string | null;
}

/** What the database knows of those names. */
export interface ReferenceFacts {
  locationExists: boolean;
  /** The location the instance type is offered at; null when there is no such instance type. */
  instanceTypeLocationId: number | null;
  clientExists: boolean;
  contract: { clientId: number; startsAt: Date; endsAt: Date | null } | null;
}

/** 404 for what does not exist. */
export function assertReferencesExist(subject: QuotaSubject, facts: ReferenceFacts): void {
  if (!facts.locationExists) throw new NotFoundError(ErrorCode.LOCATION_NOT_FOUND, 'Location', subject.locationId);
  if (facts.instanceTypeLocationId !== subject.locationId) {
    throw new DomainError(ErrorCode.INSTANCE_TYPE_NOT_FOUND, `Instance type ${subject.instanceTypeId} is not offered at location ${subject.locationId}`, {
      locationId: subject.locationId, instanceTypeId: subject.instanceTypeId,
    });
  }
  if (!facts.clientExists) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', subject.clientId);
  if (subject.contractId && !facts.contract) throw new NotFoundError(ErrorCode.CONTRACT_NOT_FOUND, 'Contract', subject.contractId);
}

/** Why the named contract cannot be charged: another client's (403), or not valid now (409). */
export function contractRefusal(subject: QuotaSubject, facts: ReferenceFacts, now: Date): DomainError | undefined {
  const { contract } = facts;
  if (!subject.contractId || !contract) return undefined;
  if (contract.clientId !== subject.clientId) {
    return new DomainError(ErrorCode.CONTRACT_OF_ANOTHER_CLIENT, `Contract ${subject.contractId} is not a contract of client ${subject.clientId}`, { contractId: subject.contractId, clientId: subject.clientId });
  }
  if (contract.startsAt > now || (contract.endsAt && contract.endsAt <= now)) {
    return new DomainError(ErrorCode.CONTRACT_NOT_ACTIVE, `Contract ${subject.contractId} is not valid now`, {
      contractId: subject.contractId, startsAt: contract.startsAt, endsAt: contract.endsAt,
    });
  }
  return undefined;
}
