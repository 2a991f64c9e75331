import { defaultRuleSet } from './config';
import { byPrecedence, covers } from './schemes';
import { inForceOn, ukLocalDate } from './time';
import type { AgeBand, AreaCode, Provider, RuleSet, SchemeId } from './types';

export interface RoutingInput {
  area: AreaCode;
  ageBand: AgeBand;
  schemeId: SchemeId;
  at: Date;
}

/** Every provider that could take the referral, in precedence order (most recently started first). */
export function providersFor(input: RoutingInput, rules: RuleSet = defaultRuleSet): Provider[] {
  const localDate = ukLocalDate(input.at);
  if (!rules.areas.some((a) => a.code === input.area && inForceOn(a, localDate))) return [];
  return rules.providers
    .filter(
      (p) =>
        covers(p.areas, input.area) && p.ageBands.includes(input.ageBand) && p.schemes.includes(input.schemeId) && inForceOn(p, localDate),
    )
    .sort(byPrecedence);
}

/**
 * The provider a referral goes to: the one in force on the Europe/London date that serves
 * the area, age band and scheme; if several do, the most recently started (then by id).
 */
export function routeProvider(input: RoutingInput, rules: RuleSet = defaultRuleSet): Provider | undefined {
  return providersFor(input, rules)[0];
}

/** Whether a provider offers any slot that closes after 17:00 (evening appointments). */
export function hasEveningSlots(provider: Provider): boolean {
  return Object.values(provider.openingHours).some((slots) => slots.some((s) => s.closes > '17:00'));
}
