import { FailedAuthLimiter } from './authenticate-first';

describe('FailedAuthLimiter', () => {
  it('holds an address off after the limit, for the rest of its window', () => {
    const limiter = new FailedAuthLimiter(3, 60);
    for (let i = 0; i < 3; i++) limiter.failed('10.0.0.1', 1000);
    expect(limiter.retryAfter('10.0.0.1', 1000)).toBe(60);
    expect(limiter.retryAfter('10.0.0.1', 61_000)).toBe(0);
  });

  it('remembers a bounded number of addresses, and a flood of new ones never frees an address held off', () => {
    const limiter = new FailedAuthLimiter(3, 60, 100);
    for (let i = 0; i < 3; i++) limiter.failed('203.0.113.9', 0);
    for (let i = 0; i < 10_000; i++) limiter.failed(`198.51.100.${i % 250}-${i}`, 1);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.retryAfter('203.0.113.9', 2)).toBe(60);
  });
});
