/**
 * 부가세 (VAT) of an amount with a tax-free part, as Shinhan's documents compute it when tax_amount is not sent:
 * cancel/partial "((amount - taxfree_amount) / 11) 계산식을 적용, 소수점 이하 반올림" (shinhan-spg-api.txt line 425),
 * payments/request the same less cup_return_deposit (line 40). x / 11 for a whole x never ends in exactly .5, so
 * the tie rule does not matter: x mod 11 of 0-5 rounds down, 6-10 up (17 -> 2, 1006 -> 91, 1007 -> 92).
 */
export function vatOf(amount: number, taxfree = 0, cupDeposit = 0): number {
  const x = amount - taxfree - cupDeposit;
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`vatOf: amount ${amount} less taxfree ${taxfree} (and cup deposit ${cupDeposit}) must be a whole number >= 0`);
  return Math.floor(x / 11) + (x % 11 >= 6 ? 1 : 0);
}
