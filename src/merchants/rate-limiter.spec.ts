import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter (token bucket per key)', () => {
  it('allows the burst, then refuses with the wait, then refills at the rate', () => {
    let t = 0;
    const limiter = new RateLimiter(2, 3, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    t += 500; // one token at 2/s
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps keys apart: one merchant at its limit does not slow another', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('is off at rate 0', () => {
    const limiter = new RateLimiter(0, 0, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toBe(0);
  });
});
