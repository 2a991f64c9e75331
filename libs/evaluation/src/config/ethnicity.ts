/** Where the classification comes from: not the seeds, an outside source. */
export const ETHNICITY_PROVENANCE = 'outside source: ONS 2021 Census ethnic group classification';

export type HighLevelEthnicGroup = 'asian' | 'black' | 'mixed' | 'white' | 'other';

export interface EthnicGroup {
  /** The code the encounter carries (libs/contracts ETHNICITY_CATEGORIES). */
  code: string;
  label: string;
  highLevel: HighLevelEthnicGroup;
}

export const HIGH_LEVEL_ETHNIC_GROUPS: Readonly<Record<HighLevelEthnicGroup, string>> = {
  asian: 'Asian, Asian British or Asian Welsh',
  black: 'Black, Black British, Black Welsh, Caribbean or African',
  mixed: 'Mixed or Multiple ethnic groups',
  white: 'White',
  other: 'Other ethnic group',
};

/**
 * The 19 detailed ethnic groups of the 2021 Census for England and Wales, each in one of the
 * five high-level groups (outside source: ONS 2021 Census ethnic group classification).
 * "Not stated" is no ethnic group: it is kept as a row of its own and never a reference group.
 */
export const ETHNIC_GROUPS: readonly EthnicGroup[] = [
  { code: 'asian-bangladeshi', label: 'Bangladeshi', highLevel: 'asian' },
  { code: 'asian-chinese', label: 'Chinese', highLevel: 'asian' },
  { code: 'asian-indian', label: 'Indian', highLevel: 'asian' },
  { code: 'asian-pakistani', label: 'Pakistani', highLevel: 'asian' },
  { code: 'asian-other', label: 'Other Asian', highLevel: 'asian' },
  { code: 'black-african', label: 'African', highLevel: 'black' },
  { code: 'black-caribbean', label: 'Caribbean', highLevel: 'black' },
  { code: 'black-other', label: 'Other Black', highLevel: 'black' },
  { code: 'mixed-white-asian', label: 'White and Asian', highLevel: 'mixed' },
  { code: 'mixed-white-black-african', label: 'White and Black African', highLevel: 'mixed' },
  { code: 'mixed-white-black-caribbean', label: 'White and Black Caribbean', highLevel: 'mixed' },
  { code: 'mixed-other', label: 'Other Mixed or Multiple ethnic groups', highLevel: 'mixed' },
  { code: 'white-english-welsh-scottish-northern-irish-british', label: 'English, Welsh, Scottish, Northern Irish or British', highLevel: 'white' },
  { code: 'white-irish', label: 'Irish', highLevel: 'white' },
  { code: 'white-gypsy-irish-traveller', label: 'Gypsy or Irish Traveller', highLevel: 'white' },
  { code: 'white-roma', label: 'Roma', highLevel: 'white' },
  { code: 'white-other', label: 'Other White', highLevel: 'white' },
  { code: 'other-arab', label: 'Arab', highLevel: 'other' },
  { code: 'other-any', label: 'Any other ethnic group', highLevel: 'other' },
];

export const NOT_STATED = 'not-stated';
