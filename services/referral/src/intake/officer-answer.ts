import type { EligibilityDecision, Provider, Scheme } from '@ddp/domain';
import { explainReason } from './decline-reasons';
import { byDeadline, ukClockTime, ukDay } from './uk-time';

/** What the officer gets back, within the one request: short, plain, readable aloud. */
export interface OfficerAnswer {
  referralId: string;
  shortRef: string;
  /** 'refused': eligible, and the person refused the diversion offered (the normal route). */
  decision: 'referred' | 'declined' | 'refused';
  reasons: Array<{ code: string; explanation: string }>;
  /** Referred: the scheme diverted under. Declined: the scheme in force that was considered, if any. */
  scheme: { id: string; name: string } | null;
  provider: { id: string; name: string; phone?: string } | null;
  assessmentDeadline: { at: string; ukLocal: string } | null;
  nextSteps: string;
}

export interface AnswerInput {
  referralId: string;
  shortRef: string;
  decision: EligibilityDecision;
  provider?: Provider;
  /** When the decision is made: a deadline already past is said so. */
  decidedAt: Date;
}

/** "K7WF-3XPA" spelled for reading out: "K 7 W F, 3 X P A". */
export function spokenRef(shortRef: string): string {
  return shortRef
    .split('-')
    .map((group) => group.split('').join(' '))
    .join(', ');
}

function consequence(scheme: Scheme): string {
  const disposal = {
    'deferred-prosecution': 'Prosecution is deferred: if they complete the course, there is no court case.',
    'community-resolution': 'This is a community resolution: it does not show on a standard DBS check.',
    'voluntary-attendance': 'Going to the drug service is voluntary.',
  }[scheme.disposal];
  const failure = {
    'summons-request': 'If they do not engage, they may be summonsed to court.',
    'no-further-diversion': 'If they do not engage, they cannot be diverted again.',
    none: '',
  }[scheme.failureConsequence];
  return [disposal, failure].filter(Boolean).join(' ');
}

/** Builds the officer's answer from the domain decision (pure: same input, same answer). */
export function buildOfficerAnswer(input: AnswerInput): OfficerAnswer {
  const { decision, provider, shortRef, referralId } = input;
  const reasons = decision.reasons.map((code) => ({ code, explanation: explainReason(code) }));
  const shownScheme = decision.scheme ?? decision.schemeConsidered;
  const scheme = shownScheme ? { id: shownScheme.id, name: shownScheme.name } : null;

  if (!decision.eligible || !decision.scheme || !decision.assessmentDeadline) {
    const first = reasons[0]?.explanation ?? 'Not eligible.';
    const more = reasons.length > 1 ? ` (${reasons.length - 1} more reason${reasons.length > 2 ? 's' : ''} listed.)` : '';
    return {
      referralId, shortRef, decision: 'declined', reasons, scheme, provider: null, assessmentDeadline: null,
      nextSteps: `Not eligible for diversion. ${first}${more} Deal with the offence the usual way. Note reference ${shortRef}.`,
    };
  }

  if (decision.route === 'refused') {
    return {
      referralId, shortRef, decision: 'refused', reasons: [], scheme, provider: null, assessmentDeadline: null,
      nextSteps: `They were eligible for diversion and refused it: their choice is recorded. Deal with the offence the usual way. Note reference ${shortRef}.`,
    };
  }

  const deadline = decision.assessmentDeadline;
  const who = provider ? provider.name : 'The drug service';
  const steps = [`Diversion: do not arrest. Give them reference ${shortRef} (${spokenRef(shortRef)}).`];
  if (!provider) steps.push('No drug service is set up for this area and scheme yet: the referral team will arrange one and phone them.');
  if (deadline.getTime() < input.decidedAt.getTime()) {
    steps.push(`${who} will phone them for an assessment as soon as possible (the deadline, ${byDeadline(deadline)}, has passed: the encounter was reported late).`);
  } else if (provider) {
    steps.push(`${who} will phone them for an assessment ${byDeadline(deadline)}.`);
  }
  steps.push(consequence(decision.scheme));
  return {
    referralId,
    shortRef,
    decision: 'referred',
    reasons: [],
    scheme,
    provider: provider ? { id: provider.id, name: provider.name } : null,
    assessmentDeadline: { at: deadline.toISOString(), ukLocal: `${ukDay(deadline)}, ${ukClockTime(deadline)} (UK time)` },
    nextSteps: steps.filter(Boolean).join(' '),
  };
}
