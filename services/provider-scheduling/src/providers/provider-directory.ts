import { Inject, Injectable } from '@nestjs/common';
import {
  defaultRuleSet, hasEveningSlots, inForceAt, providersFor, schemeById, type AgeBand, type Modality, type Provider, type RuleSet, type Scheme,
} from '@ddp/domain';
import { SERVICE_CONFIG } from '@ddp/platform';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';

/** What this service adds to the domain's provider row to book appointments. */
export interface BookingProfile {
  /** Caseworkers taking telephone assessments at the same time (capacity of one assessment slot). */
  assessorsPerSlot: number;
  /** People per course session. */
  courseGroupSize: number;
  /** Referrals the provider takes a week (the rule table's figure unless overridden). */
  weeklyCapacity: number;
}

/** The overrides key that applies to every provider. */
const EVERY_PROVIDER = '*';

export interface RoutingRequest {
  area: string;
  ageBand: AgeBand;
  schemeId: string;
  at: Date;
  /** The provider routing chose at intake, tried first when it is still in the directory. */
  preferredProviderId?: string;
}

/**
 * The provider directory: the rules (areas, age bands, schemes, weekly capacity, opening
 * hours, modalities, slot length) come from libs/domain's provider table, the single
 * source of those rules; this service adds only its booking profile (parallel assessors,
 * course group size), from configuration.
 */
@Injectable()
export class ProviderDirectory {
  private readonly overrides: Record<string, Partial<BookingProfile>>;
  private readonly rules: RuleSet = defaultRuleSet;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig) {
    this.overrides = JSON.parse(config.PROVIDER_BOOKING_OVERRIDES) as Record<string, Partial<BookingProfile>>;
  }

  all(): readonly Provider[] {
    return this.rules.providers;
  }

  find(providerId: string): Provider | undefined {
    return this.rules.providers.find((p) => p.id === providerId);
  }

  scheme(schemeId: string): Scheme | undefined {
    return schemeById(schemeId, this.rules);
  }

  profile(providerId: string): BookingProfile {
    const own = this.overrides[providerId] ?? {};
    const every = this.overrides[EVERY_PROVIDER] ?? {};
    return {
      assessorsPerSlot: own.assessorsPerSlot ?? every.assessorsPerSlot ?? this.config.ASSESSMENT_SLOT_CAPACITY,
      courseGroupSize: own.courseGroupSize ?? every.courseGroupSize ?? this.config.COURSE_GROUP_SIZE,
      weeklyCapacity: own.weeklyCapacity ?? every.weeklyCapacity ?? this.find(providerId)?.weeklyCapacity ?? 0,
    };
  }

  offers(provider: Provider, modality: Modality | string): boolean {
    return provider.modalities.includes(modality as Modality);
  }

  hasEveningSlots(provider: Provider): boolean {
    return hasEveningSlots(provider);
  }

  /**
   * Providers that may take a referral, best first: the one chosen at intake (when it is
   * still in the directory and in force), then libs/domain routing's order (routeProvider
   * is the first of providersFor). Capacity decides later which one actually books.
   */
  candidatesFor(request: RoutingRequest): Provider[] {
    const routed = providersFor({ area: request.area, ageBand: request.ageBand, schemeId: request.schemeId, at: request.at }, this.rules);
    const preferred = request.preferredProviderId ? this.find(request.preferredProviderId) : undefined;
    const list = preferred && inForceAt(preferred, request.at) ? [preferred, ...routed.filter((p) => p.id !== preferred.id)] : routed;
    return list;
  }
}
