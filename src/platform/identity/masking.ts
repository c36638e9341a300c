/** Masking of ID and phone numbers in every response and page (except to the owner and staff who need them). */

export function maskDocumentNumber(n: string): string {
  if (n.length <= 4) return '*'.repeat(n.length);
  if (n.length <= 9) return `${n.slice(0, 1)}${'*'.repeat(n.length - 3)}${n.slice(-2)}`;
  return `${n.slice(0, 3)}${'*'.repeat(n.length - 7)}${n.slice(-4)}`;
}

export function maskPhone(p: string): string {
  // Short numbers (landline extensions) would show every digit with the 3+4 rule: hide them whole.
  if (p.length < 11) return '*'.repeat(p.length);
  return `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
}

/** Names keep the surname only: 张** . */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
