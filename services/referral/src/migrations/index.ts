import { CreateReferral1763700000100 } from './1763700000100-create-referral';

/** This service's migrations, in order (the platform tables come first, added by the platform). */
export const REFERRAL_MIGRATIONS = [CreateReferral1763700000100];
