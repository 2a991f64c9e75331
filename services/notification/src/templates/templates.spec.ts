import { readdirSync } from 'node:fs';
import { SCHEMES } from '@ddp/domain';
import { TEMPLATES } from './catalogue';
import { checkTemplateFiles } from './catalogue-check';
import { messageVariables } from './message-variables';
import { TEMPLATE_DIR, TemplateStore, parseTemplateFile, placeholdersOf, renderText } from './template-renderer';

describe('the template renderer', () => {
  it('fills placeholders and refuses to leave one empty', () => {
    expect(renderText('Hello {{ givenName }}, ref {{shortRef}}.', { givenName: 'Alex', shortRef: 'ABCD-2345' })).toBe('Hello Alex, ref ABCD-2345.');
    expect(() => renderText('Hello {{givenName}} {{nope}}', { givenName: 'A' }, 'x.sms.txt')).toThrow('x.sms.txt needs nope');
    expect(placeholdersOf('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });

  it('reads the subject of an e-mail template from its first line', () => {
    expect(parseTemplateFile('email', 'Subject: Hi {{x}}\n\nBody\n', 'f')).toEqual({ subject: 'Hi {{x}}', body: 'Body' });
    expect(() => parseTemplateFile('email', 'Body only', 'f')).toThrow(/Subject/);
  });
});

describe('the template files', () => {
  const store = new TemplateStore();
  const full = messageVariables({
    referralId: 'r1',
    context: {
      shortRef: 'ABCD-2345', providerId: 'druglink', area: 'reading', schemeId: 'thames-valley-adult-diversion-druglink', officerCollarNumber: 'TV1', encounterId: 'e1',
      appointment: { appointmentId: 'a1', kind: 'session', startsAt: '2026-11-24T18:00:00Z', modality: 'online', sessionNumber: 2 },
      previousAppointment: { appointmentId: 'a0', kind: 'session', startsAt: '2026-11-23T18:00:00Z' },
      sessions: [{ appointmentId: 'a1', kind: 'session', startsAt: '2026-11-24T18:00:00Z', modality: 'online', sessionNumber: 1 }],
      deadline: '2026-11-25T23:59:59Z', reason: 'no-slot', reasons: ['suspected-supply'],
      event: { offenceType: 'possession', substance: 'cannabis', ageBand: 'adult', personRef: 'PNC-1', summonsRequestId: 'sr1' },
    },
    contact: { referralId: 'r1', shortRef: 'ABCD-2345', givenName: 'Alex', contact: { phone: '+447700900123', email: 'alex@example.test' } },
    providerContact: { phone: '0118 496 0000', web: null },
  });

  it('has a file for every template and channel of the catalogue, and no stray file', () => {
    expect(() => checkTemplateFiles(store)).not.toThrow();
    const expected = Object.entries(TEMPLATES).flatMap(([name, spec]) => spec.channels.map((c) => `${name}.${c}.txt`)).sort();
    expect(readdirSync(TEMPLATE_DIR).sort()).toEqual(expected);
  });

  it.each(Object.entries(TEMPLATES).flatMap(([name, spec]) => spec.channels.map((c) => [name, c] as const)))('%s.%s renders with the values the service supplies', (name, channel) => {
    const rendered = store.render(name, channel, full);
    expect(rendered.body).not.toMatch(/\{\{|\}\}/);
    // Every notice about a referral carries its short reference (a decline has no referral yet).
    if (name !== 'referral-declined') expect(rendered.body + (rendered.subject ?? '')).toContain('ABCD-2345');
    // Every message to the person says how to reach the provider (to rebook or ask).
    if (TEMPLATES[name as keyof typeof TEMPLATES].role === 'person') expect(rendered.body).toContain('0118 496 0000');
    if (channel === 'sms') expect(rendered.body.length).toBeLessThanOrEqual(459); // three SMS fragments at most
  });

  it('writes appointment times as UK local time and never leaves a blank', () => {
    const text = store.render('appointment-reminder', 'sms', full).body;
    expect(text).toContain('Tuesday 24 November 2026 at 6:00pm');
    expect(text).toContain('course session 2');
    const sparse = messageVariables({ referralId: 'r9', context: {}, contact: null, providerContact: null });
    expect(store.render('assessment-missed', 'sms', sparse).body).toContain('the drug service (the officer who referred you can give you their number)');
  });
});

describe('each scheme\'s notices speak of that scheme', () => {
  const store = new TemplateStore();
  const variables = (schemeId: string, ageBand: string) =>
    messageVariables({
      referralId: 'r1',
      context: { shortRef: 'ABCD-2345', providerId: 'druglink', area: 'reading', schemeId, deadline: '2026-11-25T23:59:59Z', reason: 'session-missed', event: { ageBand, personRef: 'PNC-1', summonsRequestId: 'sr1' } },
      contact: { referralId: 'r1', shortRef: 'ABCD-2345', givenName: 'Alexandria', contact: { phone: '+447700900123', email: 'alex@example.test' } },
      providerContact: { phone: '0118 496 0000', web: 'https://www.example-drug-service.org.uk/get-in-touch' },
    });
  const all = (schemeId: string, ageBand: string) => {
    const v = variables(schemeId, ageBand);
    return {
      showCause: [store.render('show-cause', 'sms', v).body, store.render('show-cause', 'email', v).body],
      courts: [store.render('summons-requested', 'email', v).body, store.render('summons-requested', 'webhook', v).body],
      sms: store.render('show-cause', 'sms', v).body,
    };
  };

  it.each(SCHEMES.map((s) => [s.id, s] as const))('%s: the show-cause notice names its own consequence and fits three SMS fragments', (_id, scheme) => {
    const { showCause, sms } = all(scheme.id, scheme.ageBands[0]);
    for (const text of showCause) expect(text).not.toContain('this may affect your diversion');
    expect(sms.length).toBeLessThanOrEqual(459);
  });

  it('the youth scheme: a community resolution whose consequence is prosecution, never "a deferred prosecution"', () => {
    const { showCause, courts } = all('thames-valley-youth-diversion', 'youth');
    for (const text of [...showCause, ...courts]) expect(text).not.toMatch(/deferred/i);
    for (const text of courts) expect(text).toMatch(/community resolution offered as an alternative to prosecution/);
    expect(courts[0]).toContain('under 18 (a young person)');
    for (const text of showCause) expect(text).toContain('you may be prosecuted for the offence instead');
  });

  it('the adult deferred prosecution: a failed deferred prosecution, a possible summons', () => {
    for (const id of ['thames-valley-adult-diversion-druglink', 'windsor-maidenhead-deferred-prosecution-pilot-adult']) {
      const { showCause, courts } = all(id, 'adult');
      expect(courts[0]).toContain('The deferred prosecution has failed');
      for (const text of showCause) expect(text).toContain('you may be reported for the offence and summoned to court');
    }
  });

  it('the voluntary rule: no further diversion, and no word of court or prosecution to the person', () => {
    for (const id of ['west-berkshire-voluntary-pilot', 'windsor-maidenhead-pilot-youth']) {
      for (const text of all(id, 'youth').showCause) {
        expect(text).toContain('you will not be offered a diversion again');
        expect(text).not.toMatch(/court|prosecut|summons/i);
      }
    }
  });
});
