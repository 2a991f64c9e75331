import { CreateReferral1763700000100 } from './1763700000100-create-referral';
import { ReferralDecisions1763700000200 } from './1763700000200-referral-decisions';
import { RoomForStatusUpdates1763700000201 } from './1763700000201-room-for-status-updates';
import { EncounterDigest1763700000202 } from './1763700000202-encounter-digest';
import { ChoiceAndGuardian1763700000210 } from './1763700000210-choice-and-guardian';

/** This service's migrations, in order (the platform tables come first, added by the platform). */
export const REFERRAL_MIGRATIONS = [
  CreateReferral1763700000100, ReferralDecisions1763700000200, RoomForStatusUpdates1763700000201, EncounterDigest1763700000202, ChoiceAndGuardian1763700000210,
];
