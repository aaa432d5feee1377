export { decideQuota, type QuotaDecision, type QuotaFigures, type QuotaRequest } from './quota-rules';
export { QuotaRepository, type QuotaQuestion } from './quota.repository';
