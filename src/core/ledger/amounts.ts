// Amounts travel as JSON numbers with at most 3 decimals but are kept as integer
// thousandths, so that no sum of allocations and releases can ever drift.

/** Units per whole resource. */
export const SCALE = 1000;

/** Largest amount accepted on the wire (docs/protocol.md, allocate limits). */
export const MAX_AMOUNT = 1e12;

/** A wire amount (already validated: positive, <= 3 decimals) as integer thousandths. */
export function toUnits(amount: number): number {
  return Math.round(amount * SCALE);
}

/** Integer thousandths back to the wire number. Division is exact-rounded, so 1005 -> 1.005. */
export function fromUnits(units: number): number {
  return units / SCALE;
}

/** True when `amount` is a finite number with at most 3 decimal places. */
export function hasAtMostThreeDecimals(amount: number): boolean {
  return Number.isFinite(amount) && fromUnits(toUnits(amount)) === amount;
}

/** Why `amount` cannot be requested (`must be ...`), or undefined when it can. */
export function amountProblem(amount: number): string | undefined {
  return problem(amount, false);
}

/** Why `amount` cannot be a capacity (like a request, but 0 is allowed), or undefined. */
export function capacityProblem(amount: number): string | undefined {
  return problem(amount, true);
}

function problem(amount: number, zeroAllowed: boolean): string | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return 'must be a number';
  if (zeroAllowed ? amount < 0 : amount <= 0) return zeroAllowed ? 'must be at least 0' : 'must be a positive number';
  if (amount > MAX_AMOUNT) return `must be at most ${MAX_AMOUNT}`;
  // Exact, unlike a schema's multipleOf 0.001, which misjudges large amounts in binary floats.
  if (!hasAtMostThreeDecimals(amount)) return 'must have at most 3 decimal places';
  return undefined;
}
