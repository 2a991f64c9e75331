import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ddp/contracts';
import { guardianCopy, planForEvent } from './notification-plans';
import { parseReminderOffsets } from './reminder-offsets';

const now = new Date('2026-11-20T20:30:00Z');
const settings = { now, offsets: parseReminderOffsets('24h') };
const created = (data: Record<string, unknown>): EventEnvelope => ({
  eventId: randomUUID(), eventType: 'ReferralCreated', eventVersion: 1, occurredAt: '2026-11-20T20:00:00Z', correlationId: 'c', causationId: null,
  producer: 'referral', key: 'r1',
  data: {
    referralId: 'r1', shortRef: 'ABCD-EFGH', encounterId: 'e1', personRef: 'p1', schemeId: 'thames-valley-youth-diversion', area: 'oxford', ageBand: 'youth',
    offenceType: 'possession', encounterAt: '2026-11-20T19:00:00Z', assessmentDeadline: '2026-11-21T23:59:59.999Z', providerId: 'oxford-youth-substance-misuse-service',
    officerCollarNumber: 'TV1', ...data,
  },
});

describe('young people: Youth Offending Teams and parents or guardians (issue 18, point 8)', () => {
  it("shares a young person's referral with the area's Youth Offending Team, and marks the referral as a young person's", () => {
    const result = planForEvent(created({}), settings);
    const shared = result.create.find((p) => p.template === 'youth-referral-shared');
    expect(shared).toMatchObject({ id: 'youth-referral-shared:r1:youth-offending-team', role: 'youth-offending-team', recipientKey: 'oxford', category: 'operational' });
    expect(shared?.context).toMatchObject({ area: 'oxford', teamName: 'Oxford Youth Offending Team', shortRef: 'ABCD-EFGH' });
    expect(result.youth).toBe(true);
  });

  it("shares no adult's referral, and no youth referral from before the force-wide scheme's roll-out with the teams", () => {
    const adult = planForEvent(created({ ageBand: 'adult', schemeId: 'thames-valley-adult-diversion-druglink' }), settings);
    expect(adult.create.map((p) => p.role)).not.toContain('youth-offending-team');
    expect(adult.youth).toBeUndefined();
    const pilot = planForEvent(created({ area: 'west-berkshire', schemeId: 'west-berkshire-voluntary-pilot', encounterAt: '2020-10-12T12:00:00Z' }), settings);
    expect(pilot.create.map((p) => p.role)).not.toContain('youth-offending-team');
  });

  it("copies a notice to the person for their guardian: same template and time, its own id", () => {
    const [booked] = planForEvent({ ...created({}), eventType: 'AssessmentScheduled', data: {
      referralId: 'r1', appointmentId: 'a1', providerId: 'druglink', startsAt: '2026-11-23T18:00:00Z', endsAt: '2026-11-23T18:30:00Z', modality: 'phone', deadline: '2026-11-21T23:59:59Z',
    } }, settings).create;
    const copy = guardianCopy(booked);
    expect(copy).toEqual({ ...booked, id: 'assessment-booked:a1:guardian', role: 'guardian' });
  });
});
