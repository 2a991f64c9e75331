import { verifyDdpSignature } from '@ddp/testing';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ deliveryId: 'new-referral:r1:provider', shortRef: 'ABCD-2345' });

  it('signs "<timestamp>.<body>" with HMAC-SHA256, as a receiver checks it', () => {
    const signature = signWebhook('secret-0123456789', '1795000000', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('secret-0123456789', '1795000000', body, signature)).toBe(true);
    expect(verifyDdpSignature('secret-0123456789', '1795000000', body, signature)).toBe(true);
  });

  it('fails for another secret, another timestamp or a changed body', () => {
    const signature = signWebhook('secret-0123456789', '1795000000', body);
    expect(verifyWebhookSignature('other-secret-012345', '1795000000', body, signature)).toBe(false);
    expect(verifyWebhookSignature('secret-0123456789', '1795000001', body, signature)).toBe(false);
    expect(verifyWebhookSignature('secret-0123456789', '1795000000', body.replace('ABCD', 'ABCE'), signature)).toBe(false);
    expect(verifyWebhookSignature('secret-0123456789', '1795000000', body, 'sha256=00')).toBe(false);
  });
});
