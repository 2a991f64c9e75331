import { CreateTrackedReferral1763700000300 } from './1763700000300-create-tracked-referral';

export const OUTCOME_MIGRATIONS = [CreateTrackedReferral1763700000300];
