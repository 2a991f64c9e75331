import { maskDestination, maskEmail, maskPhone, maskUrl, scrubPersonalData } from './masking';

describe('masking personal data', () => {
  it('keeps the first letter and the domain of an e-mail address', () => {
    expect(maskEmail('alex@example.test')).toBe('a***@example.test');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('keeps the country code and last three digits of a phone number', () => {
    expect(maskPhone('+447700900123')).toBe('+44*******123');
    expect(maskPhone('07700 900123')).toBe('07******123');
  });

  it('drops the query of a webhook URL', () => {
    expect(maskUrl('https://provider.example/hooks/referrals?token=abc')).toBe('https://provider.example/hooks/referrals');
    expect(maskDestination('webhook', 'http://127.0.0.1:4000/x?y=1')).toBe('http://127.0.0.1:4000/x');
    expect(maskDestination('sms', '+447700900123')).toBe('+44*******123');
    expect(maskDestination('email', 'alex@example.test')).toBe('a***@example.test');
  });

  it('scrubs addresses, numbers and known values out of an error text', () => {
    const text = 'Mailbox alex@example.test refused; phone_number +44 7700 900123 is not valid for Alex';
    const scrubbed = scrubPersonalData(text, ['Alex']);
    expect(scrubbed).not.toContain('alex@example.test');
    expect(scrubbed).not.toContain('7700 900123');
    expect(scrubbed).not.toContain('Alex');
    expect(scrubbed).toContain('a***@example.test');
    expect(scrubPersonalData('HTTP 500 after 1200 ms')).toBe('HTTP 500 after 1200 ms');
  });
});
