import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';
import { QuotaFigures } from './quota-rules';
import { QuotaSubject, ReferenceFacts } from './references';

/** The columns of `quota_figures` (and of a refusal of `allocate_servers`). */
export interface FiguresRow {
  location_exists: boolean;
  instance_type_location: number | null;
  client_exists: boolean;
  on_demand_limit: number | null;
  on_demand_used: number;
  contract_client: number | null;
  contract_starts: Date | null;
  contract_ends: Date | null;
  committed: number | null;
  committed_used: number | null;
  available: number;
  reserved: number;
}

export interface QuotaReading {
  facts: ReferenceFacts;
  figures: QuotaFigures;
}

// Without the locks: allocate_servers calls the same function with them, inside its own transaction.
const QUOTA_FIGURES = { name: 'quota-figures', text: 'SELECT * FROM "quota_figures"($1, $2, $3, $4, $5, false)' };

/**
 * Reads what a quota decision needs in one round trip (the `quota_figures` SQL function): counters
 * kept by the database, so the cost does not grow with the fleet or the history.
 */
@Injectable()
export class QuotaRepository {
  async read(sql: Sql, subject: QuotaSubject, options: { now: Date; defaultOnDemandLimit: number }): Promise<QuotaReading> {
    const [row] = await sql.rows<FiguresRow>(QUOTA_FIGURES, [
      subject.locationId, subject.instanceTypeId, subject.clientId, subject.contractId, options.now.toISOString(),
    ]);
    return readingOf(row, subject, options.defaultOnDemandLimit);
  }
}

/** The facts and figures in a row of `quota_figures` (or of a refusal of `allocate_servers`). */
export function readingOf(row: FiguresRow, subject: QuotaSubject, defaultOnDemandLimit: number): QuotaReading {
  return {
    facts: {
      locationExists: row.location_exists,
      instanceTypeLocationId: row.instance_type_location,
      clientExists: row.client_exists,
      contract: row.contract_client === null ? null : { clientId: row.contract_client, startsAt: row.contract_starts!, endsAt: row.contract_ends },
    },
    figures: {
      contract: subject.contractId ? { contractId: subject.contractId, committed: row.committed ?? 0, used: row.committed_used ?? 0 } : undefined,
      onDemand: { limit: row.on_demand_limit ?? defaultOnDemandLimit, used: row.on_demand_used },
      pool: { available: row.available, unusedCommitments: row.reserved },
    },
  };
}
