import { backoffSeconds, judgeAttempt, RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { maxAttempts: 5, maxAgeSeconds: 3600, baseDelaySeconds: 1, maxDelaySeconds: 60 };

describe('retry policy', () => {
  it('delivers on 2xx', () => {
    expect(judgeAttempt(policy, { status: 204 }, 1, 0)).toEqual({ kind: 'delivered' });
  });

  it.each([
    [{ error: 'ECONNREFUSED' }],
    [{ error: 'timeout' }],
    [{ status: 500 }],
    [{ status: 503 }],
    [{ status: 408 }],
    [{ status: 429 }],
  ])('retries %j', (outcome) => {
    expect(judgeAttempt(policy, outcome, 1, 0, () => 1)).toEqual({ kind: 'retry', delaySeconds: 1 });
  });

  it.each([400, 401, 404, 410, 422, 301])('dead-letters a %i at once', (status) => {
    expect(judgeAttempt(policy, { status }, 1, 0).kind).toBe('dead');
  });

  it('dead-letters after the last attempt, or when the next one would come too late', () => {
    expect(judgeAttempt(policy, { status: 500 }, 5, 0)).toEqual({ kind: 'dead', why: 'no success after 5 attempts' });
    expect(judgeAttempt(policy, { status: 500 }, 2, 3599.5, () => 1).kind).toBe('dead');
  });

  it('backs off exponentially with jitter, up to a ceiling', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffSeconds(policy, attempt, () => 1))).toEqual([1, 2, 4, 8]);
    expect(backoffSeconds(policy, 20, () => 1)).toBe(60);
    expect(backoffSeconds(policy, 4, () => 0.25)).toBe(2);
    expect(backoffSeconds(policy, 4, () => 0)).toBe(0.5);
  });
});
