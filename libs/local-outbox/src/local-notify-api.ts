import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { listenOnLoopback, sendJson } from './local-http';

/** One request the local Notify API accepted (or refused), as it was sent. */
export interface NotifyRequest {
  type: 'sms' | 'email';
  templateId: string;
  to: string;
  personalisation: Record<string, string>;
  reference?: string;
  status: number;
  /** Notify's error name when refused, e.g. RateLimitError or TooManyRequestsError (both 429). */
  error?: string;
  notificationId?: string;
  /** When it arrived (ms since epoch, this process's clock). */
  receivedAt: number;
}

/** The final statuses Notify reports in a delivery receipt. */
export type NotifyReceiptStatus = 'delivered' | 'permanent-failure' | 'temporary-failure' | 'technical-failure';

/** Where and how this server sends delivery receipts, as Notify does to a service's callback URL. */
export interface NotifyCallback {
  url: string;
  /** The bearer token the service configured for its callback. */
  token: string;
  /** The receipt to send for each accepted message at once, or null to send none (send one later with sendReceipt). Default: delivered. */
  decide?: (req: NotifyRequest) => NotifyReceiptStatus | null;
}

/** An answer: a status (429 is RateLimitError, Notify's per-minute limit), or a status with Notify's error name. */
export type NotifyAnswer = number | { status: number; error: string };

export interface LocalNotifyApi {
  url: string;
  /** A Notify-shaped API key (`<name>-<service id>-<secret>`) this server accepts. */
  apiKey: string;
  serviceId: string;
  requests: NotifyRequest[];
  /** Requests that were accepted (201). */
  sent(type?: 'sms' | 'email'): NotifyRequest[];
  /** Decide the answer per request (default 201); e.g. () => 500 while testing retries, or { status: 429, error: 'TooManyRequestsError' } for the daily limit. */
  respondWith(decide: ((req: NotifyRequest, index: number) => NotifyAnswer) | null): void;
  /** Sends delivery receipts to a callback from now on (null: none, the default). */
  sendReceiptsTo(callback: NotifyCallback | null): void;
  /** Sends one delivery receipt for an accepted message now; resolves with the callback's HTTP status. */
  sendReceipt(req: NotifyRequest, status: NotifyReceiptStatus): Promise<number>;
  stop(): Promise<void>;
}

const b64url = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** Checks a Notify bearer token: HS256 over header.payload with the key's secret, iss = service id, iat within 30 s. */
export function verifyNotifyToken(token: string, serviceId: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return 'token is not a JWT';
  const header = JSON.parse(Buffer.from(parts[0], 'base64').toString('utf8')) as { alg?: string };
  if (header.alg !== 'HS256') return 'token must be signed with HS256';
  const expected = Buffer.from(b64url(createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'Invalid token: signature, api token not found';
  const payload = JSON.parse(Buffer.from(parts[1], 'base64').toString('utf8')) as { iss?: string; iat?: number };
  if (payload.iss !== serviceId) return 'Invalid token: service id is not the right data type';
  if (typeof payload.iat !== 'number' || Math.abs(nowSeconds - payload.iat) > 30) return 'Error: Your system clock must be accurate to within 30 seconds';
  return null;
}

/**
 * A local HTTP server speaking the GOV.UK Notify REST API (v2) for sending: POST
 * /v2/notifications/sms and /v2/notifications/email with a JWT bearer token, answering
 * as Notify does (201 with an id, or an error list).
 */
export async function startLocalNotifyApi(options: { port?: number; host?: string; apiKey?: { name: string; serviceId: string; secret: string } } = {}): Promise<LocalNotifyApi> {
  // A fresh key per server unless given (the local outbox's key is known to `npm start`'s services).
  const { name, serviceId, secret } = options.apiKey ?? { name: 'ddp_test', serviceId: randomUUID(), secret: randomUUID() };
  const apiKey = `${name}-${serviceId}-${secret}`;
  const requests: NotifyRequest[] = [];
  let decide: ((req: NotifyRequest, index: number) => NotifyAnswer) | null = null;
  let callback: NotifyCallback | null = null;

  /** Notify's delivery receipt: a JSON POST with the service's bearer token (GOV.UK Notify, "Callbacks"). */
  const sendReceipt = async (req: NotifyRequest, status: NotifyReceiptStatus, to: NotifyCallback | null = callback): Promise<number> => {
    if (!to) throw new Error('no callback configured: call sendReceiptsTo first');
    const at = new Date().toISOString();
    const res = await fetch(to.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${to.token}` },
      body: JSON.stringify({
        id: req.notificationId, reference: req.reference ?? null, to: req.to, status, created_at: new Date(req.receivedAt).toISOString(),
        completed_at: at, sent_at: at, notification_type: req.type, template_id: req.templateId, template_version: 1,
      }),
    });
    return res.status;
  };

  const http = await listenOnLoopback((req, res, body) => {
    const type = req.url === '/v2/notifications/sms' ? 'sms' : req.url === '/v2/notifications/email' ? 'email' : null;
    if (req.method !== 'POST' || !type) return sendJson(res, 404, { status_code: 404, errors: [{ error: 'NotFoundError', message: 'Not found' }] });
    const auth = req.headers.authorization ?? '';
    const problem = auth.startsWith('Bearer ') ? verifyNotifyToken(auth.slice(7), serviceId, secret) : 'Unauthorized: authentication token must be provided';
    if (problem) return sendJson(res, 403, { status_code: 403, errors: [{ error: 'AuthError', message: problem }] });
    const json = JSON.parse(body || '{}') as Record<string, any>;
    const to = type === 'sms' ? json.phone_number : json.email_address;
    if (!json.template_id || !to) {
      return sendJson(res, 400, { status_code: 400, errors: [{ error: 'ValidationError', message: `${type === 'sms' ? 'phone_number' : 'email_address'} is a required property` }] });
    }
    const request: NotifyRequest = { type, templateId: json.template_id, to, personalisation: json.personalisation ?? {}, reference: json.reference, status: 201, receivedAt: Date.now() };
    const answer = decide ? decide(request, requests.length) : 201;
    request.status = typeof answer === 'number' ? answer : answer.status;
    requests.push(request);
    if (request.status >= 400) {
      request.error = typeof answer === 'object' ? answer.error : request.status === 429 ? 'RateLimitError' : request.status >= 500 ? 'Exception' : 'BadRequestError';
      // Like some of Notify's own messages, this one quotes the recipient: callers must not log it raw.
      return sendJson(res, request.status, { status_code: request.status, errors: [{ error: request.error, message: `${to} refused by the test server (${request.status})` }] });
    }
    request.notificationId = randomUUID();
    const receipt = callback ? (callback.decide ?? (() => 'delivered' as const))(request) : null;
    // After the answer, as Notify does: the receipt comes once the carrier reports.
    if (receipt && callback) setTimeout(() => void sendReceipt(request, receipt).catch(() => undefined), 50);
    const content = type === 'sms'
      ? { body: json.personalisation?.body ?? '', from_number: 'GOVUK' }
      : { body: json.personalisation?.body ?? '', subject: json.personalisation?.subject ?? '', from_email: 'test@notifications.service.gov.uk' };
    sendJson(res, 201, {
      id: request.notificationId,
      reference: json.reference ?? null,
      content,
      uri: `${http.url}/v2/notifications/${request.notificationId}`,
      template: { id: json.template_id, version: 1, uri: `${http.url}/v2/template/${json.template_id}` },
    });
  }, options.port, options.host);

  return {
    url: http.url,
    apiKey,
    serviceId,
    requests,
    sent: (type) => requests.filter((r) => r.status === 201 && (!type || r.type === type)),
    respondWith(fn) {
      decide = fn;
    },
    sendReceiptsTo(to) {
      callback = to;
    },
    sendReceipt: (req, status) => sendReceipt(req, status),
    stop: http.stop,
  };
}
