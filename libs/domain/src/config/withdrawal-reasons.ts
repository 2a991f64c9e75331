import type { WithdrawalReason } from '../types';
import { DEFAULT } from './sources';

const NOTE = 'the seeds give no withdrawal reasons';

/** Reason codes a referral may be withdrawn with (at any live state). */
export const WITHDRAWAL_REASONS: readonly WithdrawalReason[] = [
  { code: 'referred-in-error', description: 'The referral should not have been made (wrong person, wrong facts).', source: DEFAULT, note: NOTE },
  { code: 'evidential-issue', description: 'The offence cannot be proved (for example the substance tested negative).', source: DEFAULT, note: NOTE },
  { code: 'escalated-to-prosecution', description: 'New information (for example suspected supply) means the matter is dealt with by arrest and prosecution.', source: DEFAULT, note: NOTE },
  { code: 'moved-out-of-area', description: 'The person moved out of the Thames Valley force area.', source: DEFAULT, note: NOTE },
  { code: 'deceased', description: 'The person has died.', source: DEFAULT, note: NOTE },
  { code: 'duplicate', description: 'The referral duplicates another for the same encounter.', source: DEFAULT, note: NOTE },
  { code: 'review-closed-no-consequence', description: 'A non-compliance review closed under a scheme whose failure has no consequence.', source: DEFAULT, note: NOTE },
];
