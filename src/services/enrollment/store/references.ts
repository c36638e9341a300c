import { randomBytes } from 'node:crypto';

/**
 * 'P2019-K7Q2MX4D': a letter for the kind (P primary, M middle, N non-local review), the year,
 * then 8 random characters without 0/O/1/I. Public and pseudonymous: rosters and published
 * results show these, never names or ID numbers.
 */
export function newReference(prefix: string, year: number): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let s = '';
  for (const b of randomBytes(8)) s += alphabet[b & 31];
  return `${prefix}${year}-${s}`;
}
