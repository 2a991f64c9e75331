import type { SmallQuantityThreshold } from '../types';
import { DEFAULT } from './sources';

/**
 * The largest quantity that is still a "small quantity" for diversion, per substance and
 * unit. The seeds say only "small quantities" (and exclude "larger quantities"), so every
 * value here is a configuration default for scheme leads to confirm. A quantity is
 * compared with the row whose unit it can be expressed in (mg and kg convert to g).
 */
const NOTE = 'seeds say only "small quantities"; figure to be confirmed by the scheme lead';
/** Thresholds do not depend on a scheme: valid from before the first one. */
const SINCE = '2000-01-01';

export const SMALL_QUANTITY_THRESHOLDS: readonly SmallQuantityThreshold[] = [
  { substance: 'cannabis', drugClass: 'B', maxQuantity: 10, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'spice', drugClass: 'B', maxQuantity: 2, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'ketamine', drugClass: 'B', maxQuantity: 2, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'amphetamine', drugClass: 'B', maxQuantity: 2, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'cocaine', drugClass: 'A', maxQuantity: 1, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'cocaine', drugClass: 'A', maxQuantity: 2, unit: 'wraps', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'heroin', drugClass: 'A', maxQuantity: 1, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'heroin', drugClass: 'A', maxQuantity: 2, unit: 'wraps', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'mdma', drugClass: 'A', maxQuantity: 1, unit: 'g', validFrom: SINCE, source: DEFAULT, note: NOTE },
  { substance: 'mdma', drugClass: 'A', maxQuantity: 4, unit: 'tablets', validFrom: SINCE, source: DEFAULT, note: NOTE },
];
