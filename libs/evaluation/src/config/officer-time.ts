import type { Source } from '@ddp/domain';

export interface OfficerTimeRule {
  /** Officer hours one diversion saves (the custody attendance it replaces); null until the force sets it. */
  hoursPerDiversion: number | null;
  source: Source;
  note: string;
}

export const OFFICER_TIME: OfficerTimeRule = {
  hoursPerDiversion: null,
  source: 'configuration default',
  note:
    'The seeds say diversion replaces custody ("receive a community resolution, instead of facing prosecution", seed 003) but give no ' +
    'hours. The force sets the figure; until then the measure reports custody attendances avoided and no hours.',
};

/** Custody attendances avoided (one per diversion) and the officer hours they stand for, when the per-case figure is set. */
export function officerTimeSaved(diversions: number, rule: OfficerTimeRule = OFFICER_TIME): { custodyAvoided: number; hours: number | null } {
  if (!Number.isInteger(diversions) || diversions < 0) throw new RangeError(`diversions must be a whole non-negative number (got ${diversions})`);
  return { custodyAvoided: diversions, hours: rule.hoursPerDiversion === null ? null : diversions * rule.hoursPerDiversion };
}
