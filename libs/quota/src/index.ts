export {
  assessmentOf,
  type AssessmentRow,
  type QuotaAssessment,
  type QuotaFigures,
  type QuotaRequest,
  type QuotaSubject,
  type Requested,
} from './quota-assessment';
export { isMissingReference, refusalOf } from './quota-refusals';
export { QuotaRepository } from './quota.repository';
