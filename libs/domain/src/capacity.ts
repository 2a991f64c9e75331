import { FOLLOW_UP } from './config/follow-up';
import type { Provider } from './types';

/** How many referrals a provider has taken: in the current week, and in the last 52 weeks. */
export interface ProviderLoad {
  weekTaken: number;
  /** The week's capacity in force (the rule table's figure, or a deployment's override). */
  weeklyCapacity: number;
  yearTaken: number;
}

export type CapacityAlert =
  | { kind: 'near-weekly-capacity'; taken: number; limit: number; share: number }
  | { kind: 'near-annual-estimate'; taken: number; limit: number; share: number };

/**
 * Alerts a provider's load calls for: the week at or past `share` of its weekly capacity,
 * or the last 52 weeks at or past `share` of its annual referral estimate (Druglink: "an
 * estimated 5,000 referrals per year – up to 100 per week", seed 004). A full week means
 * referrals are escalated; people have to act before that, never the person referred.
 */
export function capacityAlerts(provider: Provider, load: ProviderLoad, share: number = FOLLOW_UP.capacityAlertShare.value): CapacityAlert[] {
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  const alerts: CapacityAlert[] = [];
  if (load.weeklyCapacity > 0 && load.weekTaken >= Math.ceil(share * load.weeklyCapacity)) {
    alerts.push({ kind: 'near-weekly-capacity', taken: load.weekTaken, limit: load.weeklyCapacity, share });
  }
  const estimate = provider.annualReferralEstimate;
  if (estimate !== null && estimate > 0 && load.yearTaken >= Math.ceil(share * estimate)) {
    alerts.push({ kind: 'near-annual-estimate', taken: load.yearTaken, limit: estimate, share });
  }
  return alerts;
}
