/**
 * Personal data never reaches a log line or the delivery log in clear. Addresses are
 * masked before they are stored; error texts from channels (which often quote the
 * address they refused) are scrubbed before they are stored or logged.
 */

/** `alex@example.test` → `a***@example.test`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** `+447700900123` → `+44*******123`: the country code and the last three digits stay. */
export function maskPhone(number: string): string {
  const compact = number.replace(/[\s()-]/g, '');
  if (compact.length <= 6) return '*'.repeat(compact.length);
  const head = compact.startsWith('+') ? 3 : 2;
  return compact.slice(0, head) + '*'.repeat(compact.length - head - 3) + compact.slice(-3);
}

/** A webhook URL is configuration, not personal data, but its query may hold a token. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '***';
  }
}

export function maskDestination(channel: string, address: string): string {
  if (channel === 'sms') return maskPhone(address);
  if (channel === 'webhook') return maskUrl(address);
  return maskEmail(address);
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Seven or more digits, optionally with a leading + and spaces or dashes between them.
const PHONE_IN_TEXT = /\+?\d[\d\s-]{5,}\d/g;

/** Masks every e-mail address and phone-like number in a free text (an error message). */
export function scrubPersonalData(text: string, knownValues: Array<string | undefined> = []): string {
  let out = text;
  for (const value of knownValues) {
    if (value && value.length >= 2) out = out.split(value).join('[redacted]');
  }
  return out.replace(EMAIL_IN_TEXT, (m) => maskEmail(m)).replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m));
}
