import type { Channel } from '../templates/catalogue';

/** One message for one destination, rendered and ready. */
export interface OutgoingMessage {
  /** The notification id: the receiver's idempotency key (Notify reference, Message-ID, delivery header). */
  notificationId: string;
  to: string;
  subject?: string;
  body: string;
  /** Webhooks only: the JSON document to post, and the secret that signs it. */
  json?: Record<string, unknown>;
  secret?: string | null;
}

export interface DeliveryReceipt {
  /** The id the channel gave the message (Notify id, SMTP Message-ID, HTTP status). */
  providerMessageId?: string;
}

/** Email over SMTP, email and SMS through GOV.UK Notify, signed webhooks: one shape. Throws DeliveryError. */
export interface ChannelAdapter {
  readonly channel: Channel;
  /** Which implementation, for the delivery log (smtp, notify, webhook). */
  readonly via: string;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  close?(): Promise<void> | void;
}

export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');
export type ChannelAdapters = Partial<Record<Channel, ChannelAdapter>>;
