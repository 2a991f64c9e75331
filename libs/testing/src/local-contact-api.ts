import { listenOnLoopback, sendJson } from './local-http';

export interface ReferralContact {
  referralId: string;
  shortRef: string;
  givenName?: string;
  contact: { phone?: string; email?: string };
  officerCollarNumber?: string;
  area?: string;
  schemeId?: string;
  providerId?: string;
}

export interface LocalContactApi {
  url: string;
  token: string;
  /** How many contact requests arrived per referral id. */
  requests: Map<string, number>;
  set(contact: ReferralContact): void;
  remove(referralId: string): void;
  /** Answer the next n requests (for `referralId`, if given) with this status (e.g. 503: the referral service is down). */
  failNext(n: number, status?: number, referralId?: string): void;
  stop(): Promise<void>;
}

/**
 * The referral service's internal contact endpoint, on loopback:
 * GET /internal/v1/referrals/:referralId/contact with x-internal-token.
 */
export async function startLocalContactApi(token = 'test-internal-token'): Promise<LocalContactApi> {
  const contacts = new Map<string, ReferralContact>();
  const requests = new Map<string, number>();
  let failures: { left: number; status: number; referralId?: string } = { left: 0, status: 503 };
  const http = await listenOnLoopback((req, res) => {
    const m = /^\/internal\/v1\/referrals\/([^/]+)\/contact$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !m) return sendJson(res, 404, { statusCode: 404, message: 'Not Found' });
    if (req.headers['x-internal-token'] !== token) return sendJson(res, 401, { statusCode: 401, code: 'internal-token-required' });
    const id = decodeURIComponent(m[1]);
    requests.set(id, (requests.get(id) ?? 0) + 1);
    if (failures.left > 0 && (!failures.referralId || failures.referralId === id)) {
      failures = { ...failures, left: failures.left - 1 };
      return sendJson(res, failures.status, { statusCode: failures.status, message: 'unavailable (test)' });
    }
    const found = contacts.get(id);
    if (!found) return sendJson(res, 404, { statusCode: 404, code: 'unknown-referral', message: 'No such referral' });
    sendJson(res, 200, found);
  });
  return {
    url: http.url,
    token,
    requests,
    set: (c) => void contacts.set(c.referralId, c),
    remove: (id) => void contacts.delete(id),
    failNext: (n, status = 503, referralId) => void (failures = { left: n, status, referralId }),
    stop: http.stop,
  };
}
