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

/** `GET {REFERRAL_SERVICE_URL}/internal/v1/referrals/:referralId/contact` with the internal token. */
export class ReferralContactClient implements ContactSource {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  async fetchContact(referralId: string): Promise<ContactDetails> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/internal/v1/referrals/${encodeURIComponent(referralId)}/contact`;
    let res: HttpResponse;
    try {
      res = await httpRequest(url, { headers: { 'x-internal-token': this.token, accept: 'application/json' }, timeoutMs: this.timeoutMs });
    } catch (error) {
      throw transientFailure(`referral contact service unreachable (${(error as Error).name})`, 'contact-unavailable');
    }
    if (res.status === 404 || res.status === 410) {
      throw permanentFailure(`the referral service has no contact details for this referral (HTTP ${res.status})`, 'contact-not-found');
    }
    if (res.status === 401 || res.status === 403) {
      throw permanentFailure(`the referral service refused the internal token (HTTP ${res.status})`, 'contact-forbidden');
    }
    if (res.status < 200 || res.status > 299) throw transientFailure(`referral contact service answered HTTP ${res.status}`, 'contact-unavailable');
    const body = parseObject(res.body) as Partial<ContactDetails> | null;
    if (!body || typeof body.shortRef !== 'string') {
      throw transientFailure('referral contact service answered without a shortRef', 'contact-malformed');
    }
    return { ...body, referralId, shortRef: body.shortRef, contact: { ...(body.contact ?? {}) } } as ContactDetails;
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
