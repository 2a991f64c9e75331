import type { NotifyRequest } from './local-notify-api';
import type { ReceivedMail } from './local-smtp-server';
import type { WebhookDelivery } from './local-webhook-receiver';

/** One message the local outbox received, whichever channel carried it. */
export interface SentItem {
  receivedAt: string;
  channel: 'email' | 'sms' | 'webhook';
  /** How it travelled: SMTP, GOV.UK Notify (the stand-in) or a signed webhook. */
  via: 'smtp' | 'notify' | 'webhook';
  to: string;
  subject: string;
  text: string;
  /** What the receiving side would object to, e.g. a webhook whose signature does not match. */
  problem?: string;
}

/** Everything received, oldest first: e-mails, Notify requests it accepted, webhooks. */
export function sentItems(mails: readonly ReceivedMail[], notify: readonly NotifyRequest[], webhooks: readonly WebhookDelivery[]): SentItem[] {
  const items: (Omit<SentItem, 'receivedAt'> & { at: number })[] = [
    ...mails.map((m) => ({ at: m.receivedAt, channel: 'email' as const, via: 'smtp' as const, to: m.to.join(', '), subject: m.subject, text: m.text })),
    ...notify
      .filter((r) => r.status === 201)
      .map((r) => ({ at: r.receivedAt, channel: r.type, via: 'notify' as const, to: r.to, subject: r.personalisation.subject ?? '', text: r.personalisation.body ?? '' })),
    ...webhooks.map((w) => ({
      at: w.receivedAt,
      channel: 'webhook' as const,
      via: 'webhook' as const,
      to: `${w.path} (${w.json?.template ?? 'no template'}${w.json?.shortRef ? `, ${w.json.shortRef}` : ''})`,
      subject: String(w.json?.template ?? ''),
      text: typeof w.json?.message === 'string' ? w.json.message : w.raw,
      ...(w.signatureValid ? {} : { problem: 'signature does not match the configured secret (answered 401)' }),
    })),
  ];
  return items.sort((a, b) => a.at - b.at).map(({ at, ...item }) => ({ ...item, receivedAt: new Date(at).toISOString() }));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The outbox page: a plain HTML list, newest first, each message as it was rendered. */
export function renderSentPage(items: readonly SentItem[]): string {
  const rows = [...items].reverse().map(
    (i) => `<li><p><b>${escapeHtml(i.channel)}</b> via ${escapeHtml(i.via)} to <b>${escapeHtml(i.to)}</b> at ${escapeHtml(i.receivedAt)}${i.problem ? ` <b>(${escapeHtml(i.problem)})</b>` : ''}</p>` +
      `${i.subject ? `<p>${escapeHtml(i.subject)}</p>` : ''}<pre>${escapeHtml(i.text)}</pre></li>`,
  );
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>Local outbox</title></head><body>',
    '<h1>Local outbox</h1>',
    `<p>${items.length} message${items.length === 1 ? '' : 's'} sent by the notification service since the outbox started (reload for new ones; JSON at <a href="/sent.json">/sent.json</a>).</p>`,
    `<ol reversed>${rows.join('\n')}</ol>`,
    '</body></html>',
  ].join('\n');
}

/** The same list as text, for `npm run sent`. */
export function renderSentText(items: readonly SentItem[]): string {
  if (!items.length) return 'Nothing sent yet.';
  return items
    .map((i) => [`${i.receivedAt}  ${i.channel} via ${i.via} to ${i.to}${i.problem ? `  (${i.problem})` : ''}`, ...(i.subject ? [`  ${i.subject}`] : []), ...i.text.split('\n').map((l) => `  | ${l}`)].join('\n'))
    .join('\n\n');
}
