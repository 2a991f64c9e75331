import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ddp/platform';
import { permanentFailure } from '../channels/delivery-error';
import { smsAvailable, type NotificationConfig } from '../notification.config';
import { PreferencesService, type Preference } from '../preferences/preferences.service';
import { CONTACT_SOURCE } from '../recipients/contact-source.token';
import type { ContactDetails, ContactSource } from '../recipients/contact.client';
import { RecipientDirectory } from '../recipients/recipient-directory';
import type { Channel } from '../templates/catalogue';
import type { NotificationEntity } from '../deliveries/notification.entity';

export type Resolution =
  | { kind: 'deliver'; channel: Channel; address: string; secret: string | null; contact: ContactDetails | null }
  | { kind: 'cancel'; reason: string };

/**
 * Who a notice goes to, decided at send time: the person's contact details come from
 * the referral service (never stored here) and their current preference; officers,
 * providers and the courts unit come from the endpoint table. Throws DeliveryError.
 */
@Injectable()
export class RecipientResolver {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(CONTACT_SOURCE) private readonly contacts: ContactSource,
    @Inject(PreferencesService) private readonly preferences: PreferencesService,
    @Inject(RecipientDirectory) private readonly directory: RecipientDirectory,
  ) {}

  /** `preference`: the person's current one when the caller read it with the row (else it is read here). */
  async resolve(row: NotificationEntity, preference?: Preference): Promise<Resolution> {
    if (row.recipientRole === 'person') return this.person(row, preference);
    if (row.recipientRole === 'guardian') return this.guardian(row, preference);
    const context = row.context ?? {};
    const needsContact = !row.recipientKey || (!context.shortRef && row.template !== 'referral-declined') || (row.recipientRole === 'provider' && row.template === 'new-referral');
    const contact = needsContact ? await this.contacts.fetchContact(row.referralId) : null;
    const keys = {
      collar: row.recipientRole === 'officer' ? (row.recipientKey ?? context.officerCollarNumber ?? contact?.officerCollarNumber) : null,
      provider: row.recipientRole === 'provider' ? (row.recipientKey ?? context.providerId ?? contact?.providerId) : null,
      area: context.area ?? contact?.area ?? (row.recipientRole === 'courts-unit' ? row.recipientKey : null),
    };
    const endpoint = await this.directory.findEndpoint(row.recipientRole, keys);
    if (!endpoint) {
      const who = row.recipientRole === 'provider' ? `provider ${keys.provider ?? '(unknown)'}` : row.recipientRole === 'officer' ? 'this officer or area' : 'the courts unit';
      throw permanentFailure(`no endpoint configured for ${who} (PUT /v1/recipient-endpoints)`, 'no-endpoint');
    }
    return { kind: 'deliver', channel: endpoint.channel, address: endpoint.address, secret: endpoint.secret, contact };
  }

  /**
   * A young person's parent or guardian: the copy goes by e-mail, else SMS, to the contact the
   * officer recorded; none recorded, the copy is cancelled (not a failure). The young person's
   * opt-out covers the copies too, except legal notices.
   */
  private async guardian(row: NotificationEntity, known?: Preference): Promise<Resolution> {
    const preference = known ?? (await this.preferences.current(row.referralId));
    if (preference.optOut && row.category !== 'legal') return { kind: 'cancel', reason: 'the person opted out' };
    const contact = await this.contacts.fetchContact(row.referralId);
    const guardian = contact.guardian;
    if (!guardian) return { kind: 'cancel', reason: 'no parent or guardian is recorded' };
    const channel = guardian.email ? 'email' : guardian.phone && smsAvailable(this.config) ? 'sms' : undefined;
    if (!channel) throw permanentFailure('cannot reach the parent or guardian: no e-mail address, and no phone number with SMS configured', 'no-contact');
    return { kind: 'deliver', channel, address: channel === 'email' ? guardian.email! : guardian.phone!, secret: null, contact };
  }

  private async person(row: NotificationEntity, known?: Preference): Promise<Resolution> {
    const preference = known ?? (await this.preferences.current(row.referralId));
    if (preference.optOut && row.category !== 'legal') return { kind: 'cancel', reason: 'the person opted out' };
    const contact = await this.contacts.fetchContact(row.referralId);
    const usable: Record<'sms' | 'email', string | undefined> = {
      sms: smsAvailable(this.config) ? contact.contact.phone : undefined,
      email: contact.contact.email,
    };
    const preferred = preference.channel ?? this.config.PERSON_DEFAULT_CHANNEL;
    // A legal notice after an opt-out goes in writing first: e-mail, else SMS (README: preferences).
    const order: Array<'sms' | 'email'> = preference.optOut ? ['email', 'sms'] : preferred === 'sms' ? ['sms', 'email'] : ['email', 'sms'];
    const channel = order.find((c) => usable[c]);
    if (!channel) {
      const why = contact.contact.phone && !smsAvailable(this.config) ? 'only a phone number is on record and SMS is not configured' : 'no phone number or e-mail address is on record';
      throw permanentFailure(`cannot reach the person: ${why}`, 'no-contact');
    }
    return { kind: 'deliver', channel, address: usable[channel]!, secret: null, contact };
  }
}
