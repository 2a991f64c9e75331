import { ConfigError } from '@ddp/platform';
import { loadProviderSchedulingConfig } from '../provider-scheduling.config';
import { ProviderDirectory } from './provider-directory';

const directoryWith = (env: Record<string, string>) => new ProviderDirectory(loadProviderSchedulingConfig(env));

describe('ProviderDirectory booking profile', () => {
  it('defaults: the rule table\'s weekly capacity, the configured slot capacity, druglink\'s two assessors', () => {
    const directory = directoryWith({});
    const druglink = directory.find('druglink')!;
    expect(directory.profile('druglink')).toEqual({ assessorsPerSlot: 2, courseGroupSize: 12, weeklyCapacity: druglink.weeklyCapacity });
    const other = directory.all().find((p) => p.id !== 'druglink')!;
    expect(directory.profile(other.id)).toEqual({ assessorsPerSlot: 1, courseGroupSize: 10, weeklyCapacity: other.weeklyCapacity });
  });

  it('"*" applies to every provider; a provider\'s own entry wins field by field', () => {
    const directory = directoryWith({ PROVIDER_BOOKING_OVERRIDES: '{"*":{"assessorsPerSlot":100,"weeklyCapacity":100000},"druglink":{"assessorsPerSlot":3}}' });
    expect(directory.profile('druglink')).toEqual({ assessorsPerSlot: 3, courseGroupSize: 10, weeklyCapacity: 100000 });
    const other = directory.all().find((p) => p.id !== 'druglink')!;
    expect(directory.profile(other.id)).toMatchObject({ assessorsPerSlot: 100, weeklyCapacity: 100000 });
  });

  it('refuses an unknown field or a negative figure, naming the variable', () => {
    expect(() => directoryWith({ PROVIDER_BOOKING_OVERRIDES: '{"*":{"weeklyCapacity":-1}}' })).toThrow(ConfigError);
    expect(() => directoryWith({ PROVIDER_BOOKING_OVERRIDES: '{"*":{"slots":5}}' })).toThrow(/PROVIDER_BOOKING_OVERRIDES/);
  });
});
