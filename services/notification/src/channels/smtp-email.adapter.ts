import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelAdapter, DeliveryReceipt, OutgoingMessage } from './channel-adapter';
import { permanentFailure, transientFailure } from './delivery-error';

/** E-mail over SMTP with nodemailer. A 5xx reply is permanent; anything else is worth a retry. */
export class SmtpEmailAdapter implements ChannelAdapter {
  readonly channel = 'email' as const;
  readonly via = 'smtp';
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    const url = new URL(smtpUrl);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // A local relay on loopback may offer no certificate worth checking; anything else must.
      tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(url.hostname) },
      // Keep connections open and send one message after another on them: a new connection per
      // message (connect, greeting, EHLO, QUIT) cost most of a delivery's time and the relay's.
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.body,
        messageId: `<${message.notificationId.replace(/[^A-Za-z0-9.-]/g, '.')}@notification.ddp>`,
        headers: { 'X-DDP-Notification-Id': message.notificationId },
      });
      return { providerMessageId: info.messageId };
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message?: string };
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
        throw permanentFailure(`SMTP server refused the message (${e.responseCode}): ${e.message ?? ''}`.slice(0, 400), 'smtp-refused');
      }
      throw transientFailure(`SMTP delivery failed (${e.responseCode ?? e.code ?? 'error'}): ${e.message ?? ''}`.slice(0, 400), 'smtp-failed');
    }
  }

  close(): void {
    this.transport.close();
  }
}
