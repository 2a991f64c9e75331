import { schemeById } from './schemes';
import type { Scheme } from './types';
import { schemeWording } from './wording';

const wording = (id: string) => schemeWording(schemeById(id) as Scheme);

describe('schemeWording: each scheme spoken of as what it is', () => {
  it('adult deferred prosecution: a failed deferred prosecution, a possible summons', () => {
    for (const id of ['thames-valley-adult-diversion-druglink', 'windsor-maidenhead-deferred-prosecution-pilot-adult']) {
      expect(wording(id).failure).toMatch(/deferred prosecution has failed/);
      expect(wording(id).consequenceForPerson).toMatch(/summoned to court/);
    }
  });

  it('the youth scheme: a community resolution whose consequence is prosecution, never a deferred prosecution', () => {
    const w = wording('thames-valley-youth-diversion');
    expect(w.disposal).toMatch(/community resolution/);
    expect(`${w.disposal} ${w.failure} ${w.consequenceForPerson}`).not.toMatch(/deferred/i);
    expect(w.failure).toMatch(/prosecution for the offence/);
    expect(w.consequenceForPerson).toMatch(/prosecuted/);
  });

  it('the voluntary rule (West Berkshire, Windsor & Maidenhead under-18s): no further diversion, no court', () => {
    for (const id of ['west-berkshire-voluntary-pilot', 'windsor-maidenhead-pilot-youth']) {
      expect(wording(id).failure).toMatch(/no longer eligible for a further diversion/);
      expect(`${wording(id).failure} ${wording(id).consequenceForPerson}`).not.toMatch(/summons|court|prosecut/i);
    }
  });
});
