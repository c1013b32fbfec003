/**
 * C's printf("%.Nf") for doubles, which trec_eval uses to print measures
 * ("%6.4f") and Python/Pyserini use to write run scores ("{:.6f}"): the exact
 * binary value rounded to N decimals, exact ties to even.
 *
 * `Number.prototype.toFixed` also rounds the exact value but sends exact ties
 * up. A double x is an exact tie at N decimals only when x * 10^N = k + 1/2,
 * i.e. x = j / 2^(N+1) with j odd (x is dyadic, so the factor 5^N has to
 * divide j). Those values are handled apart with integer arithmetic.
 */
import { InvalidArgumentError } from "../core/errors.js";

export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`cannot format ${value} with ${digits} decimals; expected a finite number`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new InvalidArgumentError(`decimals must be an integer from 0 to 20, got ${digits}`);
  const negative = value < 0 || Object.is(value, -0);
  const x = Math.abs(value);
  let text: string;
  if (x >= 1e21) {
    // toFixed switches to exponent notation here; such a double is an integer.
    text = BigInt(x).toString() + (digits > 0 ? `.${"0".repeat(digits)}` : "");
  } else {
    const scaled = x * 2 ** (digits + 1); // exact: scaling by a power of two
    if (Number.isSafeInteger(scaled) && scaled % 2 === 1) {
      // x * 10^N = j * 5^N / 2 lies exactly halfway between low and low + 1.
      const low = (BigInt(scaled) * 5n ** BigInt(digits) - 1n) / 2n;
      const n = low % 2n === 0n ? low : low + 1n;
      const s = n.toString().padStart(digits + 1, "0");
      text = digits > 0 ? `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}` : s;
    } else {
      text = x.toFixed(digits);
    }
  }
  return negative ? `-${text}` : text;
}
