import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';
import { AssessmentRow, assessmentOf, QuotaAssessment, QuotaRequest, QuotaSubject } from './quota-assessment';

// Lock-free: allocate_servers asks the same function with the locks, inside its own transaction.
const QUOTA_ASSESSMENT = {
  name: 'quota-assessment',
  text: 'SELECT * FROM "quota_assessment"($1, $2, $3, $4, $5, $6, $7::timestamp, $8, false)',
};

/** The decision allocate would take now, read in one round trip from counters (cost independent of the fleet's size). */
@Injectable()
export class QuotaRepository {
  async assess(
    sql: Sql,
    subject: QuotaSubject,
    request: QuotaRequest,
    options: { now: Date; defaultOnDemandLimit: number },
  ): Promise<QuotaAssessment> {
    const [row] = await sql.rows<AssessmentRow>(QUOTA_ASSESSMENT, [
      subject.locationId,
      subject.instanceTypeId,
      subject.clientId,
      subject.contractId,
      request.overflow,
      request.amount,
      options.now.toISOString(),
      options.defaultOnDemandLimit,
    ]);
    return assessmentOf(row, subject);
  }
}
