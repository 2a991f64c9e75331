import { defaultRuleSet } from './config';
import { hasEveningSlots } from './routing';
import { schemeInForceOn } from './schemes';
import { addDays } from './time';
import { AGE_BANDS, WEEKDAYS, type AreaCode, type EffectiveDated, type Provider, type RuleSet, type SchemeRuleField, type Source } from './types';

function cell(value: string | number | boolean): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean>>): string {
  const line = (cells: ReadonlyArray<string | number | boolean>) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function validity(row: EffectiveDated): string {
  return row.validTo ? `${row.validFrom} to ${row.validTo}` : `from ${row.validFrom}`;
}

function where(areas: readonly AreaCode[] | 'force-wide'): string {
  return areas === 'force-wide' ? 'force-wide' : areas.join(', ');
}

function week(hours: Provider['openingHours']): string {
  return WEEKDAYS.filter((d) => hours[d].length > 0)
    .map((d) => `${d} ${hours[d].map((s) => `${s.opens}-${s.closes}`).join(', ')}`)
    .join('; ');
}

function shortSource(source: Source): string {
  if (source === 'configuration default') return 'default';
  if (source.startsWith('outside source: ')) return source.replace(/^outside source: /, 'outside: ');
  return `seed ${source.replace(/^seeds\//, '').slice(0, 3)}`;
}

const SCHEME_FIELDS: readonly SchemeRuleField[] = [
  'validity',
  'coverage',
  'disposal',
  'failureConsequence',
  'repeatPolicy',
  'assessmentDeadline',
  'courseTemplate',
  'missedSessionTolerance',
  'showCauseWindowHours',
  'completionOutcomeCode',
  'requiresBwvInterview',
];

/** For each area and age band, the periods in which each scheme (or none) applies. */
export function schemeTimeline(rules: RuleSet = defaultRuleSet): { area: AreaCode; ageBand: string; periods: string }[] {
  const changeDates = new Set<string>();
  for (const row of [...rules.schemes, ...rules.areas]) {
    changeDates.add(row.validFrom);
    if (row.validTo) changeDates.add(addDays(row.validTo, 1));
  }
  const dates = [...changeDates].sort();
  const result: { area: AreaCode; ageBand: string; periods: string }[] = [];
  for (const area of rules.areas) {
    for (const ageBand of AGE_BANDS) {
      const segments: { from: string; id: string }[] = [];
      for (const date of dates) {
        const id = schemeInForceOn(area.code, ageBand, date, rules)?.id ?? 'none';
        if (segments.length === 0 || segments[segments.length - 1].id !== id) segments.push({ from: date, id });
      }
      const periods = segments
        .filter((s, i) => !(i === 0 && s.id === 'none'))
        .map((s, i, all) => (i + 1 < all.length ? `${s.from} to ${addDays(all[i + 1].from, -1)}: ${s.id}` : `from ${s.from}: ${s.id}`));
      result.push({ area: area.code, ageBand, periods: periods.length ? periods.join('; ') : 'none' });
    }
  }
  return result;
}

/** The rule tables rendered as Markdown (the README embeds this output verbatim). */
export function ruleTableMarkdown(rules: RuleSet = defaultRuleSet): string {
  const parts: string[] = [];
  parts.push('### Areas');
  parts.push(table(['code', 'name', 'valid', 'source'], rules.areas.map((a) => [a.code, a.name, validity(a), a.source])));

  parts.push('### Schemes');
  parts.push(
    table(
      ['id', 'name', 'areas', 'age bands', 'valid', 'source'],
      rules.schemes.map((s) => [s.id, s.name, where(s.areas), s.ageBands.join(', '), validity(s), s.source]),
    ),
  );

  parts.push('### Scheme rules');
  parts.push(
    table(
      [
        'scheme',
        'disposal',
        'failure consequence',
        'repeat policy',
        'assessment by end of day +',
        'course (sessions × minutes, every n days)',
        'missed-session tolerance',
        'show-cause window (h)',
        'outcome on completion',
        'BWV interview',
        'offence pathways taken',
      ],
      rules.schemes.map((s) => [
        s.id,
        s.disposal,
        s.failureConsequence,
        s.repeatPolicy,
        s.assessmentDeadline.daysAfterEncounter,
        `${s.course.sessions} × ${s.course.sessionMinutes} min, every ${s.course.intervalDays} days`,
        s.missedSessionTolerance,
        s.showCauseWindowHours,
        s.completionOutcomeCode,
        s.requiresBwvInterview ? 'required' : 'no',
        s.admissibleOffences.map((o) => o.pathway).join(', '),
      ]),
    ),
  );

  parts.push('### Scheme rule provenance');
  parts.push('`seed NNN` = the passage of `seeds/NNN_*.txt` the rule rests on (below); `outside: …` = a source outside the seeds; `default` = configuration default.');
  parts.push(table(['scheme', ...SCHEME_FIELDS], rules.schemes.map((s) => [s.id, ...SCHEME_FIELDS.map((f) => shortSource(s.provenance[f]))])));

  parts.push('### Scheme rule sources');
  parts.push(
    table(
      ['scheme', 'rule', 'source'],
      rules.schemes.flatMap((s) => SCHEME_FIELDS.filter((f) => s.provenance[f] !== 'configuration default').map((f) => [s.id, f, s.provenance[f]])),
    ),
  );

  parts.push('### Offence types');
  parts.push(
    table(['code', 'name', 'pathway', 'valid', 'source'], rules.offenceTypes.map((t) => [t.code, t.name, t.pathway, validity(t), t.source])),
  );

  parts.push('### Youth Offending Teams');
  parts.push(table(['area', 'team', 'valid', 'source'], rules.youthOffendingTeams.map((y) => [y.area, y.name, validity(y), y.source])));

  parts.push('### Scheme in force, by area and age band');
  parts.push(table(['area', 'age band', 'periods'], schemeTimeline(rules).map((r) => [r.area, r.ageBand, r.periods])));

  parts.push('### Small-quantity thresholds');
  parts.push(
    table(
      ['substance', 'class', 'at most', 'unit', 'valid', 'source'],
      rules.thresholds.map((t) => [t.substance, t.drugClass, t.maxQuantity, t.unit, validity(t), t.source]),
    ),
  );

  parts.push('### Providers');
  parts.push(
    table(
      ['id', 'name', 'areas', 'age bands', 'schemes', 'valid', 'weekly capacity', 'capacity source', 'annual estimate', 'open', 'phone assessment cover', 'evening slots', 'modalities', 'assessment slot (min)', 'source'],
      rules.providers.map((p) => [
        p.id,
        p.name,
        where(p.areas),
        p.ageBands.join(', '),
        p.schemes.join(', '),
        validity(p),
        p.weeklyCapacity,
        p.provenance.weeklyCapacity,
        p.annualReferralEstimate === null ? '-' : `${p.annualReferralEstimate} (${p.provenance.annualReferralEstimate})`,
        week(p.openingHours),
        week(p.phoneAssessmentCover),
        hasEveningSlots(p) ? 'yes' : 'no',
        p.modalities.join(', '),
        p.assessmentSlotMinutes,
        p.source,
      ]),
    ),
  );

  parts.push('### Crime outcome codes');
  parts.push(table(['code', 'title', 'description', 'source'], rules.crimeOutcomes.map((o) => [o.code, o.title, o.description, o.source])));

  parts.push('### Court results and the crime outcome they mean');
  parts.push(
    table(['result', 'description', 'crime outcome', 'source'], rules.courtResults.map((r) => [r.result, r.description, r.crimeOutcome, r.source])),
  );

  parts.push('### Withdrawal reasons');
  parts.push(table(['code', 'description', 'source'], rules.withdrawalReasons.map((r) => [r.code, r.description, r.source])));

  return parts.join('\n\n') + '\n';
}
