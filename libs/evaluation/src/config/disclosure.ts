import type { Source } from '@ddp/domain';

export interface DisclosureRules {
  /** A published count under this is suppressed (0 included: a zero can disclose as much as a one). */
  minimumCount: number;
  /** A rate on a base under this is shown but marked as resting on few people. */
  smallBaseUnder: number;
  source: Source;
  note: string;
}

export const DISCLOSURE: DisclosureRules = {
  minimumCount: 5,
  smallBaseUnder: 20,
  source: 'configuration default',
  note:
    'No source sets these for the schemes. Five is the threshold the evaluation issue names; twenty is the base under which ' +
    'a 95 % interval on a proportion is about forty percentage points wide at a rate near one half.',
};
