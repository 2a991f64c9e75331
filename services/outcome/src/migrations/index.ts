import { CreateTrackedReferral1763700000300 } from './1763700000300-create-tracked-referral';
import { CreateComplianceTables1763700000310 } from './1763700000310-create-compliance-tables';
import { SchemeFigureDeltas1763700000320 } from './1763700000320-scheme-figure-deltas';
import { ShowCauseNotice1763700000335 } from './1763700000335-show-cause-notice';
import { ChoiceFigures1763700000340 } from './1763700000340-choice-figures';

/** In order. 0300 is the walking skeleton's table (dropped by 0310); kept so existing databases migrate. */
export const OUTCOME_MIGRATIONS = [
  CreateTrackedReferral1763700000300, CreateComplianceTables1763700000310, SchemeFigureDeltas1763700000320, ShowCauseNotice1763700000335, ChoiceFigures1763700000340,
];
