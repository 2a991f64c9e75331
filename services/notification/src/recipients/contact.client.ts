import { CoalescingQueue, httpRequest, type HttpResponse } from '@ddp/platform';
import { permanentFailure, transientFailure } from '../channels/delivery-error';

/**
 * Contact details of the person referred, as the referral service answers them at send
 * time. They live only in memory for one delivery: never stored, never logged.
 */
export interface ContactDetails {
  referralId: string;
  shortRef: string;
  givenName?: string;
  contact: { phone?: string; email?: string };
  officerCollarNumber?: string;
  area?: string;
  schemeId?: string;
  providerId?: string;
  ageBand?: string;
  /** A young person's parent or guardian, when recorded. */
  guardian?: { name: string; phone?: string; email?: string };
}

export interface ContactSource {
  fetchContact(referralId: string): Promise<ContactDetails>;
}

/** The largest batch the referral service answers (CONTACTS_BATCH_MAX there). */
const BATCH_MAX = 100;

/**
 * Requests on their way at once. One would batch the most, but every delivery would wait
 * for the request ahead of it; with a few, a batch forms only when the deliveries outrun them.
 */
const IN_FLIGHT_MAX = 3;

/**
 * `POST {REFERRAL_SERVICE_URL}/internal/v1/referrals/contacts` with the internal token.
 * Every delivery asks for the person's details at send time. Asks made in the same turn
 * of the event loop (deliveries whose rows were read together) go as one request, and so do
 * those made while IN_FLIGHT_MAX requests are on their way: a busy spell costs a few requests
 * (and queries at the referral service, ~1.1 ms of its CPU per look-up, measured) rather
 * than one per notice, and a lone delivery waits for nothing.
 */
export class ReferralContactClient implements ContactSource {
  private readonly asks = new CoalescingQueue<string, ContactDetails>((ids) => this.send(ids), { maxBatch: BATCH_MAX, maxInFlight: IN_FLIGHT_MAX });

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  async fetchContact(referralId: string): Promise<ContactDetails> {
    const found = await this.asks.submit(referralId);
    // Each caller gets its own copy (two deliveries for one person may share an answer).
    return { ...found, contact: { ...found.contact } };
  }

  /** One request for the batch (each referral asked once); every ask gets its contact or the failure that applies to it. */
  private async send(ids: string[]): Promise<Array<ContactDetails | Error>> {
    const unique = [...new Set(ids)];
    let res: HttpResponse;
    try {
      res = await httpRequest(`${this.baseUrl.replace(/\/$/, '')}/internal/v1/referrals/contacts`, {
        method: 'POST',
        headers: { 'x-internal-token': this.token, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ referralIds: unique }),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw transientFailure(`referral contact service unreachable (${(error as Error).name})`, 'contact-unavailable');
    }
    if (res.status === 401 || res.status === 403) {
      throw permanentFailure(`the referral service refused the internal token (HTTP ${res.status})`, 'contact-forbidden');
    }
    if (res.status < 200 || res.status > 299) throw transientFailure(`referral contact service answered HTTP ${res.status}`, 'contact-unavailable');
    const body = parseObject(res.body) as { contacts?: unknown; missing?: unknown } | null;
    if (!body || !Array.isArray(body.contacts) || !Array.isArray(body.missing)) {
      throw transientFailure('referral contact service answered without contacts and missing lists', 'contact-malformed');
    }
    const found = new Map<string, ContactDetails>();
    for (const item of body.contacts as Array<Partial<ContactDetails> | null>) {
      if (item && typeof item.referralId === 'string' && typeof item.shortRef === 'string') {
        found.set(item.referralId, { ...item, referralId: item.referralId, shortRef: item.shortRef, contact: { ...(item.contact ?? {}) } } as ContactDetails);
      }
    }
    const missing = new Set(body.missing as unknown[]);
    return ids.map(
      (id) =>
        found.get(id) ??
        (missing.has(id)
          ? permanentFailure('the referral service has no contact details for this referral', 'contact-not-found')
          : transientFailure('referral contact service left this referral unanswered', 'contact-malformed')),
    );
  }
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
