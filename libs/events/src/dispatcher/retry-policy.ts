export interface RetryPolicy {
  maxAttempts: number;
  maxAgeSeconds: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/** How one attempt went: an HTTP status, no answer at all (network error, timeout), or not sent (refused by the hook target policy). */
export type AttemptOutcome = { status: number } | { error: string } | { refused: string };

export type Verdict = { kind: 'delivered' } | { kind: 'retry'; delaySeconds: number } | { kind: 'dead'; why: string };

/** 2xx delivers; network errors, timeouts, 408, 429 and 5xx are retried; any other answer is final. */
function isRetryable(outcome: AttemptOutcome): boolean {
  return !('status' in outcome) || outcome.status >= 500 || outcome.status === 408 || outcome.status === 429;
}

/** Exponential backoff with full jitter: a random delay up to base × 2^(attempt-1), capped. */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** (attempt - 1));
  return Math.max(policy.baseDelaySeconds / 2, ceiling * random());
}

/** What to do after attempt number `attempt` of a delivery created `ageSeconds` ago. */
export function judgeAttempt(
  policy: RetryPolicy,
  outcome: AttemptOutcome,
  attempt: number,
  ageSeconds: number,
  random = Math.random,
): Verdict {
  if ('refused' in outcome) return { kind: 'dead', why: outcome.refused };
  if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) return { kind: 'delivered' };
  if (!isRetryable(outcome))
    return {
      kind: 'dead',
      why: `the receiver answered ${(outcome as { status: number }).status}, which is not retried`,
    };
  if (attempt >= policy.maxAttempts) return { kind: 'dead', why: `no success after ${attempt} attempts` };
  const delaySeconds = backoffSeconds(policy, attempt, random);
  if (ageSeconds + delaySeconds > policy.maxAgeSeconds)
    return { kind: 'dead', why: `no success within ${policy.maxAgeSeconds} s` };
  return { kind: 'retry', delaySeconds };
}
