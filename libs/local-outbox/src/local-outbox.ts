import { listenOnLoopback, sendJson } from './local-http';
import { startLocalNotifyApi, type NotifyCallback } from './local-notify-api';
import { startLocalSmtpServer } from './local-smtp-server';
import { startLocalWebhookReceiver } from './local-webhook-receiver';
import { renderSentPage, sentItems, type SentItem } from './sent-list';

export interface LocalOutboxAddresses {
  smtpPort: number;
  notifyPort: number;
  webhookPort: number;
  pagePort: number;
  notifyApiKey: { name: string; serviceId: string; secret: string };
  webhookSecret: string;
  /** The address to listen on: loopback (npm start) unless given, e.g. 0.0.0.0 in a container. */
  host?: string;
  /** Where the Notify stand-in sends delivery receipts, as Notify does to a service's callback (none unless given). */
  notifyCallback?: NotifyCallback;
}

export interface LocalOutbox {
  pageUrl: string;
  smtpUrl: string;
  notifyUrl: string;
  webhookUrl: string;
  sent(): SentItem[];
  stop(): Promise<void>;
}

/**
 * The three channel stand-ins on known loopback ports, keeping everything, and a page
 * listing what was sent to whom (`/` as HTML, `/sent.json`).
 */
export async function startLocalOutbox(addresses: LocalOutboxAddresses): Promise<LocalOutbox> {
  const { host } = addresses;
  const smtp = await startLocalSmtpServer({ port: addresses.smtpPort, host });
  const notify = await startLocalNotifyApi({ port: addresses.notifyPort, apiKey: addresses.notifyApiKey, host });
  if (addresses.notifyCallback) notify.sendReceiptsTo(addresses.notifyCallback);
  const webhooks = await startLocalWebhookReceiver(addresses.webhookSecret, { port: addresses.webhookPort, host });
  const sent = () => sentItems(smtp.messages, notify.requests, webhooks.deliveries);
  const page = await listenOnLoopback((req, res) => {
    if (req.url === '/sent.json') return sendJson(res, 200, { sent: sent() });
    if (req.url !== '/') return sendJson(res, 404, { error: 'not found: try / or /sent.json' });
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(renderSentPage(sent()));
  }, addresses.pagePort, host);
  return {
    pageUrl: `${page.url}/`,
    smtpUrl: smtp.url,
    notifyUrl: notify.url,
    webhookUrl: webhooks.url,
    sent,
    async stop() {
      await Promise.all([page.stop(), smtp.stop(), notify.stop(), webhooks.stop()]);
    },
  };
}
