import { listenOnLoopback, sendJson } from '@ddp/local-outbox';

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
  /** How many times each referral id was asked for (alone or in a batch). */
  requests: Map<string, number>;
  /** HTTP requests that arrived (a batch counts once). */
  httpRequests(): number;
  set(contact: ReferralContact): void;
  remove(referralId: string): void;
  /** Answer the next n requests (that ask for `referralId`, if given) with this status (e.g. 503: the referral service is down). */
  failNext(n: number, status?: number, referralId?: string): void;
  /** Answer every request only after this many ms (a busy referral service); 0 again for at once. */
  answerAfter(ms: number): void;
  stop(): Promise<void>;
}

/**
 * The referral service's internal contact endpoints, on loopback, with x-internal-token:
 * GET /internal/v1/referrals/:referralId/contact and POST /internal/v1/referrals/contacts
 * ({ referralIds } → { contacts, missing }).
 */
export async function startLocalContactApi(token = 'test-internal-token'): Promise<LocalContactApi> {
  const contacts = new Map<string, ReferralContact>();
  const requests = new Map<string, number>();
  let failures: { left: number; status: number; referralId?: string } = { left: 0, status: 503 };
  let httpRequests = 0;
  let answerAfterMs = 0;
  /** Counts the ask; true when it must fail (failNext). */
  const failing = (ids: string[]) => {
    for (const id of ids) requests.set(id, (requests.get(id) ?? 0) + 1);
    if (failures.left > 0 && (!failures.referralId || ids.includes(failures.referralId))) {
      failures = { ...failures, left: failures.left - 1 };
      return true;
    }
    return false;
  };
  const http = await listenOnLoopback(async (req, res, body) => {
    httpRequests++;
    if (answerAfterMs > 0) await new Promise((r) => setTimeout(r, answerAfterMs));
    const single = /^\/internal\/v1\/referrals\/([^/]+)\/contact$/.exec(req.url ?? '');
    const batch = req.url === '/internal/v1/referrals/contacts';
    if (!(req.method === 'GET' && single) && !(req.method === 'POST' && batch)) return sendJson(res, 404, { statusCode: 404, message: 'Not Found' });
    if (req.headers['x-internal-token'] !== token) return sendJson(res, 401, { statusCode: 401, code: 'internal-token-required' });
    if (single) {
      const id = decodeURIComponent(single[1]);
      if (failing([id])) return sendJson(res, failures.status, { statusCode: failures.status, message: 'unavailable (test)' });
      const found = contacts.get(id);
      if (!found) return sendJson(res, 404, { statusCode: 404, code: 'unknown-referral', message: 'No such referral' });
      return sendJson(res, 200, found);
    }
    let ids: unknown;
    try {
      ids = (JSON.parse(body) as { referralIds?: unknown }).referralIds;
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((id) => typeof id === 'string')) {
      return sendJson(res, 400, { statusCode: 400, message: 'referralIds must be 1-100 ids' });
    }
    if (failing(ids)) return sendJson(res, failures.status, { statusCode: failures.status, message: 'unavailable (test)' });
    const unique = [...new Set(ids as string[])];
    sendJson(res, 200, { contacts: unique.flatMap((id) => contacts.get(id) ?? []), missing: unique.filter((id) => !contacts.has(id)) });
  });
  return {
    url: http.url,
    token,
    requests,
    httpRequests: () => httpRequests,
    set: (c) => void contacts.set(c.referralId, c),
    remove: (id) => void contacts.delete(id),
    failNext: (n, status = 503, referralId) => void (failures = { left: n, status, referralId }),
    answerAfter: (ms) => void (answerAfterMs = ms),
    stop: http.stop,
  };
}
