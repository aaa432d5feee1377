import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import { QuotaAssessment, QuotaRequest, QuotaSubject } from './quota-assessment';

/**
 * The words of a refusal: what the caller is told, and the figures behind it, for each code the SQL
 * decision answers (quota_assessment, allocate_servers). Deciding is the database's; this only explains.
 */
export function refusalOf(subject: QuotaSubject, request: QuotaRequest, assessment: QuotaAssessment): DomainError {
  const { figures, requested } = assessment;
  const { contract, onDemand, pool } = figures;
  const contractId = subject.contractId as string;
  switch (assessment.refusal) {
    case ErrorCode.LOCATION_NOT_FOUND:
      return new NotFoundError(ErrorCode.LOCATION_NOT_FOUND, 'Location', subject.locationId);
    case ErrorCode.INSTANCE_TYPE_NOT_FOUND:
      return new DomainError(
        ErrorCode.INSTANCE_TYPE_NOT_FOUND,
        `Instance type ${subject.instanceTypeId} is not offered at location ${subject.locationId}`,
        {
          locationId: subject.locationId,
          instanceTypeId: subject.instanceTypeId,
        },
      );
    case ErrorCode.CLIENT_NOT_FOUND:
      return new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', subject.clientId);
    case ErrorCode.CONTRACT_NOT_FOUND:
      return new NotFoundError(ErrorCode.CONTRACT_NOT_FOUND, 'Contract', contractId);
    case ErrorCode.CONTRACT_OF_ANOTHER_CLIENT:
      return new DomainError(
        ErrorCode.CONTRACT_OF_ANOTHER_CLIENT,
        `Contract ${contractId} is not a contract of client ${subject.clientId}`,
        { contractId, clientId: subject.clientId },
      );
    case ErrorCode.CONTRACT_NOT_ACTIVE:
      return new DomainError(ErrorCode.CONTRACT_NOT_ACTIVE, `Contract ${contractId} is not valid now`, {
        contractId,
        startsAt: contract?.startsAt,
        endsAt: contract?.endsAt,
      });
    case ErrorCode.QUOTA_EXCEEDED:
      // Only a request that asks nothing of on-demand can break its contract's commitment (quota_decision.sql).
      if (requested.onDemand === 0 && contract) {
        const left = Math.max(contract.committed - contract.used, 0);
        const why =
          left === 0
            ? `has used all ${contract.committed} committed servers of this pool`
            : `has ${left} of its ${contract.committed} committed servers of this pool left, ${request.amount} requested`;
        return new DomainError(
          ErrorCode.QUOTA_EXCEEDED,
          `Contract ${contractId} ${why}; set overflow to use on-demand quota`,
          {
            quota: 'COMMITTED',
            contractId,
            committed: contract.committed,
            used: contract.used,
            requested: request.amount,
          },
        );
      }
      return new DomainError(
        ErrorCode.QUOTA_EXCEEDED,
        `The client holds ${onDemand.used} of its ${onDemand.limit} on-demand servers; ${requested.onDemand} more requested`,
        {
          quota: 'ON_DEMAND',
          limit: onDemand.limit,
          used: onDemand.used,
          requested: requested.onDemand,
        },
      );
    case ErrorCode.NO_CAPACITY: {
      const why =
        requested.onDemand > 0
          ? `the ${pool.available} Available servers are reserved for ${pool.unusedCommitments} committed servers not yet taken`
          : pool.available
            ? `only ${pool.available} servers of the pool are Available`
            : 'every server of the pool is in use or out of service';
      return noCapacity(request, assessment, why);
    }
    case 'BUSY':
      return noCapacity(
        request,
        assessment,
        `fewer than the ${request.amount} requested are free, the others are busy with other commands`,
      );
    default:
      throw new Error(`quota_assessment answered a refusal without words: ${assessment.refusal}`);
  }
}

function noCapacity(request: QuotaRequest, { figures }: QuotaAssessment, why: string): DomainError {
  return new DomainError(ErrorCode.NO_CAPACITY, `No server can be allocated: ${why}`, {
    available: figures.pool.available,
    reserved: figures.pool.unusedCommitments,
    requested: request.amount,
  });
}

/** Refusals that mean "what you named does not exist": a 404 for the quota check too. */
export const isMissingReference = (refusal: string | null): boolean =>
  refusal !== null && refusal.endsWith('_NOT_FOUND');
