import { capacityAlerts } from './capacity';
import { defaultRuleSet, QUOTE } from './config';
import { FOLLOW_UP } from './config/follow-up';

const druglink = defaultRuleSet.providers.find((p) => p.id === 'druglink')!;
const youthService = defaultRuleSet.providers.find((p) => p.id === 'reading-youth-substance-misuse-service')!;

describe('capacityAlerts', () => {
  it('warns when the week reaches nine tenths of the weekly capacity, not before', () => {
    expect(capacityAlerts(druglink, { weekTaken: 89, weeklyCapacity: 100, yearTaken: 0 })).toEqual([]);
    expect(capacityAlerts(druglink, { weekTaken: 90, weeklyCapacity: 100, yearTaken: 0 })).toEqual([
      { kind: 'near-weekly-capacity', taken: 90, limit: 100, share: FOLLOW_UP.capacityAlertShare.value },
    ]);
    expect(capacityAlerts(youthService, { weekTaken: 9, weeklyCapacity: 10, yearTaken: 9 })).toEqual([
      expect.objectContaining({ kind: 'near-weekly-capacity', taken: 9, limit: 10 }),
    ]);
  });

  it("watches Druglink's estimated 5,000 referrals a year (seed 004); a provider with no estimate has no annual alert", () => {
    expect(druglink.annualReferralEstimate).toBe(5000);
    expect(druglink.provenance.annualReferralEstimate).toBe(QUOTE.druglinkCapacity);
    expect(capacityAlerts(druglink, { weekTaken: 0, weeklyCapacity: 100, yearTaken: 4499 })).toEqual([]);
    expect(capacityAlerts(druglink, { weekTaken: 0, weeklyCapacity: 100, yearTaken: 4500 })).toEqual([
      { kind: 'near-annual-estimate', taken: 4500, limit: 5000, share: 0.9 },
    ]);
    expect(youthService.annualReferralEstimate).toBeNull();
    expect(capacityAlerts(youthService, { weekTaken: 0, weeklyCapacity: 10, yearTaken: 100_000 })).toEqual([]);
  });

  it('follows the share it is given and refuses a nonsensical one', () => {
    expect(capacityAlerts(druglink, { weekTaken: 50, weeklyCapacity: 100, yearTaken: 0 }, 0.5)).toHaveLength(1);
    expect(() => capacityAlerts(druglink, { weekTaken: 0, weeklyCapacity: 100, yearTaken: 0 }, 1.5)).toThrow(RangeError);
  });
});
