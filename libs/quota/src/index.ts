export { assessQuota, decideQuota, type Charge, type QuotaAssessment, type QuotaFigures, type QuotaRequest, type Requested } from './quota-rules';
export { assertReferencesExist, contractRefusal, type QuotaSubject, type ReferenceFacts } from './references';
export { QuotaRepository, readingOf, type FiguresRow, type QuotaReading } from './quota.repository';
export { checkQuota, type QuotaCheck } from './quota-check';
