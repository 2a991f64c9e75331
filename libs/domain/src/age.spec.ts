import { ageBandOn, ageOnDate } from './age';

describe('ageBandOn', () => {
  it.each([
    ['2003-06-15', '2021-06-14T12:00:00Z', 'youth'], // day before 18th birthday
    ['2003-06-15', '2021-06-15T12:00:00Z', 'adult'], // 18th birthday
    ['2003-06-15', '2021-06-14T23:30:00Z', 'adult'], // 00:30 BST on the birthday
    ['2003-01-15', '2021-01-14T23:30:00Z', 'youth'], // 23:30 GMT the day before
    ['2004-02-29', '2022-02-28T12:00:00Z', 'youth'], // leap-day birthday: 18 on 1 March in a common year
    ['2004-02-29', '2022-03-01T12:00:00Z', 'adult'],
    ['2002-03-01', '2020-02-29T12:00:00Z', 'youth'],
    ['1960-05-01', '2020-05-01T12:00:00Z', 'adult'],
    ['2020-05-01', '2020-05-01T12:00:00Z', 'youth'],
  ])('born %s, at %s → %s', (dob, at, band) => {
    expect(ageBandOn(dob, new Date(at))).toBe(band);
  });

  it('computes whole years', () => {
    expect(ageOnDate('2000-12-31', '2018-12-30')).toBe(17);
    expect(ageOnDate('2000-12-31', '2018-12-31')).toBe(18);
  });

  it('refuses a malformed date of birth', () => {
    expect(() => ageBandOn('31/12/2000', new Date('2020-01-01T00:00:00Z'))).toThrow(/dateOfBirth/);
    expect(() => ageBandOn('2000-01-01', new Date(NaN))).toThrow(RangeError);
  });
});
