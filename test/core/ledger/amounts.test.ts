import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT, SCALE, amountProblem, fromUnits, hasAtMostThreeDecimals, toUnits } from '../../../src/core/ledger/amounts.js';

describe('amounts as integer thousandths', () => {
  it('converts wire amounts to units and back exactly', () => {
    expect(SCALE).toBe(1000);
    expect(toUnits(2)).toBe(2000);
    expect(toUnits(0.001)).toBe(1);
    expect(toUnits(1.005)).toBe(1005);
    expect(toUnits(0.1 + 0.2)).toBe(300);
    expect(fromUnits(1005)).toBe(1.005);
    expect(fromUnits(toUnits(MAX_AMOUNT))).toBe(MAX_AMOUNT);
  });

  it('round-trips every 3-decimal amount, small and large', () => {
    for (const units of [1, 7, 999, 1001, 123_456_789, 66_810_567, 188_018_109_106_662, 999_999_999_999_999, 1e15]) {
      const amount = units / 1000;
      expect(toUnits(amount)).toBe(units);
      expect(fromUnits(toUnits(amount))).toBe(amount);
      expect(hasAtMostThreeDecimals(amount)).toBe(true);
    }
  });

  it('keeps sums exact where floating point would drift', () => {
    let floats = 0;
    let units = 0;
    for (let i = 0; i < 1000; i++) {
      floats += 0.001;
      units += toUnits(0.001);
    }
    expect(floats).not.toBe(1);
    expect(fromUnits(units)).toBe(1);
  });

  it('accepts at most 3 decimal places', () => {
    expect(hasAtMostThreeDecimals(1)).toBe(true);
    expect(hasAtMostThreeDecimals(0.5)).toBe(true);
    expect(hasAtMostThreeDecimals(2.125)).toBe(true);
    expect(hasAtMostThreeDecimals(0.0005)).toBe(false);
    expect(hasAtMostThreeDecimals(1.0001)).toBe(false);
    expect(hasAtMostThreeDecimals(0.0010000000001)).toBe(false);
    expect(hasAtMostThreeDecimals(Math.PI)).toBe(false);
  });

  it('rejects values that are not finite numbers', () => {
    expect(hasAtMostThreeDecimals(Number.NaN)).toBe(false);
    expect(hasAtMostThreeDecimals(Number.POSITIVE_INFINITY)).toBe(false);
    expect(hasAtMostThreeDecimals(Number.NEGATIVE_INFINITY)).toBe(false);
  });

  it('says why an amount cannot be requested, in the words of the schema errors', () => {
    expect(amountProblem(2)).toBeUndefined();
    expect(amountProblem(0.001)).toBeUndefined();
    expect(amountProblem(MAX_AMOUNT)).toBeUndefined();
    // Large 3-decimal amounts that a float multipleOf check misjudges are accepted.
    expect(amountProblem(66810.567)).toBeUndefined();
    expect(amountProblem(188018109106.662)).toBeUndefined();
    expect(amountProblem(0)).toBe('must be a positive number');
    expect(amountProblem(-1)).toBe('must be a positive number');
    expect(amountProblem(MAX_AMOUNT + 1)).toBe('must be at most 1000000000000');
    expect(amountProblem(0.0010000000001)).toBe('must have at most 3 decimal places');
    expect(amountProblem(Number.NaN)).toBe('must be a number');
    expect(amountProblem(Number.POSITIVE_INFINITY)).toBe('must be a number');
    expect(amountProblem('2' as unknown as number)).toBe('must be a number');
  });
});
