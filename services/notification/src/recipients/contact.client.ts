import { httpRequest, type HttpResponse } from '@ddp/platform';
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

interface Waiter {
  resolve(contact: ContactDetails): void;
  reject(error: Error): void;
}

/**
 * `POST {REFERRAL_SERVICE_URL}/internal/v1/referrals/contacts` with the internal token.
 * Every delivery asks for the person's details at send time. An ask goes at once while
 * fewer than IN_FLIGHT_MAX requests are on their way; asks made when that many are wait
 * for one to come back and then go together, so a busy spell costs a few requests (and
 * queries at the referral service, ~1.1 ms of its CPU per look-up, measured) rather than
 * one per notice, and a lone delivery waits for nothing.
 */
export class ReferralContactClient implements ContactSource {
  private readonly queued = new Map<string, Waiter[]>();
  private inFlight = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  fetchContact(referralId: string): Promise<ContactDetails> {
    return new Promise((resolve, reject) => {
      const waiters = this.queued.get(referralId);
      if (waiters) waiters.push({ resolve, reject });
      else this.queued.set(referralId, [{ resolve, reject }]);
      this.sendQueued();
    });
  }

  private sendQueued(): void {
    if (this.inFlight >= IN_FLIGHT_MAX || this.queued.size === 0) return;
    const batch = new Map<string, Waiter[]>();
    for (const [id, waiters] of this.queued) {
      if (batch.size === BATCH_MAX) break;
      batch.set(id, waiters);
      this.queued.delete(id);
    }
    this.inFlight++;
    void this.send(batch).finally(() => {
      this.inFlight--;
      this.sendQueued();
    });
  }

  /** One request for the batch; every waiter gets its contact or the failure that applies to it. */
  private async send(batch: Map<string, Waiter[]>): Promise<void> {
    const settle = (id: string, outcome: ContactDetails | Error) => {
      for (const waiter of batch.get(id) ?? []) {
        if (outcome instanceof Error) waiter.reject(outcome);
        else waiter.resolve({ ...outcome, contact: { ...outcome.contact } });
      }
    };
    const failAll = (error: Error) => [...batch.keys()].forEach((id) => settle(id, error));
    let res: HttpResponse;
    try {
      res = await httpRequest(`${this.baseUrl.replace(/\/$/, '')}/internal/v1/referrals/contacts`, {
        method: 'POST',
        headers: { 'x-internal-token': this.token, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ referralIds: [...batch.keys()] }),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      return failAll(transientFailure(`referral contact service unreachable (${(error as Error).name})`, 'contact-unavailable'));
    }
    if (res.status === 401 || res.status === 403) {
      return failAll(permanentFailure(`the referral service refused the internal token (HTTP ${res.status})`, 'contact-forbidden'));
    }
    if (res.status < 200 || res.status > 299) return failAll(transientFailure(`referral contact service answered HTTP ${res.status}`, 'contact-unavailable'));
    const body = parseObject(res.body) as { contacts?: unknown; missing?: unknown } | null;
    if (!body || !Array.isArray(body.contacts) || !Array.isArray(body.missing)) {
      return failAll(transientFailure('referral contact service answered without contacts and missing lists', 'contact-malformed'));
    }
    const found = new Map<string, ContactDetails>();
    for (const item of body.contacts as Array<Partial<ContactDetails> | null>) {
      if (item && typeof item.referralId === 'string' && typeof item.shortRef === 'string') {
        found.set(item.referralId, { ...item, referralId: item.referralId, shortRef: item.shortRef, contact: { ...(item.contact ?? {}) } } as ContactDetails);
      }
    }
    const missing = new Set(body.missing as unknown[]);
    for (const id of batch.keys()) {
      const contact = found.get(id);
      if (contact) settle(id, contact);
      else if (missing.has(id)) settle(id, permanentFailure('the referral service has no contact details for this referral', 'contact-not-found'));
      else settle(id, transientFailure('referral contact service left this referral unanswered', 'contact-malformed'));
    }
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
