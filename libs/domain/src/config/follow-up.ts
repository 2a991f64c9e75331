import type { Source } from '../types';
import { DEFAULT } from './sources';

export interface FollowUpRule {
  value: number;
  source: Source;
  note: string;
}

/**
 * When people are asked to act on a gap that is not the person's: an outcome the provider
 * has not recorded, and a provider filling up. The seeds give none of these values.
 */
export const FOLLOW_UP = {
  /** Hours after an assessment's recording deadline (or a session's attendance reminder) before the supervisors' worklist shows it. */
  unrecordedSupervisorAfterHours: {
    value: 24,
    source: DEFAULT,
    note: 'The provider is asked first (at the deadline); a supervisor follows up a day later.',
  },
  /** Share of a provider's weekly capacity, or of its annual referral estimate, at which an alert is raised. */
  capacityAlertShare: {
    value: 0.9,
    source: DEFAULT,
    note: 'Nine tenths: room to add assessors or move referrals before a week is full and referrals are escalated.',
  },
} as const satisfies Record<string, FollowUpRule>;
