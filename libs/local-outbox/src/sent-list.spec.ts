import { renderSentPage, renderSentText, sentItems } from './sent-list';
import type { ReceivedMail } from './local-smtp-server';
import type { NotifyRequest } from './local-notify-api';
import type { WebhookDelivery } from './local-webhook-receiver';

const mail = (at: number, subject: string): ReceivedMail => ({ from: 'no-reply@x', to: ['officer@tvp.example'], headers: {}, subject, text: 'Referral <b>ABCD</b> accepted', raw: '', receivedAt: at });
const sms = (at: number, status: number): NotifyRequest => ({ type: 'sms', templateId: 't', to: '+447700900123', personalisation: { body: 'Your assessment is booked' }, status, receivedAt: at });
const hook = (at: number, signatureValid: boolean): WebhookDelivery => ({
  path: '/hooks', headers: {}, raw: '{}', json: { template: 'new-referral', shortRef: 'PE6W', message: 'New referral PE6W' }, signatureValid, status: signatureValid ? 200 : 401, receivedAt: at,
});

describe('the local outbox list', () => {
  const items = sentItems([mail(3, 'Accepted')], [sms(1, 201), sms(2, 429)], [hook(4, true), hook(5, false)]);

  it('lists what each channel received, oldest first, leaving out what Notify refused', () => {
    expect(items.map((i) => [i.channel, i.via, i.to])).toEqual([
      ['sms', 'notify', '+447700900123'],
      ['email', 'smtp', 'officer@tvp.example'],
      ['webhook', 'webhook', '/hooks (new-referral, PE6W)'],
      ['webhook', 'webhook', '/hooks (new-referral, PE6W)'],
    ]);
    expect(items[0].receivedAt).toBe(new Date(1).toISOString());
  });

  it('marks a webhook whose signature does not match', () => {
    expect(items.map((i) => i.problem)).toEqual([undefined, undefined, undefined, expect.stringMatching(/signature does not match/)]);
  });

  it('renders the page newest first, escaping what the messages say', () => {
    const page = renderSentPage(items);
    expect(page).toContain('4 messages');
    expect(page).toContain('Referral &#60;b&#62;ABCD&#60;/b&#62; accepted');
    expect(page.indexOf('via notify')).toBeGreaterThan(page.indexOf('via smtp'));
  });

  it('prints each message as text for npm run sent', () => {
    const text = renderSentText(items);
    expect(text).toContain('sms via notify to +447700900123\n  | Your assessment is booked');
    expect(renderSentText([])).toBe('Nothing sent yet.');
  });
});
