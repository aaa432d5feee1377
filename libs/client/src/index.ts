export {
  AllocatorApiError,
  createAllocatorClient,
  dataOf,
  type AllocatorClient,
  type AllocatorClientOptions,
  type ApiError,
  type Schemas,
} from './allocator-client';
export { retryingFetch, type RetryOptions } from './retrying-fetch';
export { SIGNATURE_HEADER, signatureHeader, verifySignature, type SignatureCheck } from './hook-signature';
export type { components, operations, paths } from './generated/openapi';
