import { randomBytes } from 'node:crypto';

/**
 * Recognisable stand-ins for personal data (a name, a phone number), planted in requests and
 * messages: any answer, log line or dead letter that holds one has echoed personal data.
 * Letters only, so they pass as names and reach the rules behind the validators.
 */
const PREFIX = 'Pdmk';

export function personalMarker(): string {
  return PREFIX + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

/** The planted markers found in `text`. */
export function echoedMarkers(text: string, markers: readonly string[]): string[] {
  if (!text.includes(PREFIX)) return [];
  return markers.filter((m) => text.includes(m));
}
