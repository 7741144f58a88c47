import { describe, expect, it } from 'vitest';
import { defaultBackoff } from './engine.js';

describe('defaultBackoff', () => {
  it.each([
    [1, 2000],
    [2, 4000],
    [5, 32_000],
    [11, 2_048_000],
    [12, 3_600_000],
    [40, 3_600_000],
  ])('attempt %i waits %i ms ±20%%', (attempt, base) => {
    expect(defaultBackoff(attempt, () => 0.5)).toBe(base);
    expect(defaultBackoff(attempt, () => 0)).toBe(Math.round(base * 0.8));
    expect(defaultBackoff(attempt, () => 0.999999)).toBeLessThanOrEqual(Math.round(base * 1.2));
    expect(defaultBackoff(attempt, () => 0.999999)).toBeGreaterThan(base * 1.19);
  });

  it('grows strictly from one attempt to the next whatever the jitter, until the cap', () => {
    for (let attempt = 1; attempt < 11; attempt++) {
      expect(defaultBackoff(attempt + 1, () => 0)).toBeGreaterThan(defaultBackoff(attempt, () => 0.999999));
    }
  });
});
