import { AREAS, PROVIDERS, SCHEMES, schemeWording, type SchemeWording } from '@ddp/domain';
import type { ContactDetails } from '../recipients/contact.client';
import { formatUkDateTime } from './uk-time';

/** An appointment as the notification service remembers it (times only; no personal data). */
export interface AppointmentContext {
  appointmentId: string;
  kind: 'assessment' | 'session';
  startsAt: string;
  endsAt?: string;
  modality?: string;
  sessionNumber?: number;
}

/**
 * What a notification row keeps from the event that caused it: references, times and
 * codes, never names or contact details (those are fetched at send time).
 */
export interface NotificationContext {
  eventType?: string;
  shortRef?: string;
  providerId?: string;
  area?: string;
  schemeId?: string;
  officerCollarNumber?: string;
  encounterId?: string;
  appointment?: AppointmentContext;
  previousAppointment?: AppointmentContext;
  sessions?: AppointmentContext[];
  deadline?: string;
  reason?: string;
  reasons?: string[];
  /** The Youth Offending Team a young person's referral is shared with. */
  teamName?: string;
  /** Event data passed on to organisations' systems (webhook `data`); jsonb. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event?: Record<string, any>;
}

/** How people reach a provider, from the provider-contact table. */
export interface ProviderPublicContact {
  phone?: string | null;
  web?: string | null;
}

const MODALITY_TEXT: Record<string, string> = {
  phone: 'by phone: the drug service will call you',
  online: 'online: you will be sent a link',
  video: 'by video call: you will be sent a link',
  'in-person': 'in person',
};

const TRIGGER_TEXT: Record<string, string> = {
  'assessment-missed': 'the assessment was missed',
  'session-missed': 'a course session was missed',
  'unacceptable-absence': 'an appointment was missed',
};

export function providerName(providerId: string | undefined): string {
  if (!providerId) return 'the drug service';
  return PROVIDERS.find((p) => p.id === providerId)?.name ?? providerId;
}

export function providerContactLine(providerId: string | undefined, contact: ProviderPublicContact | null): string {
  const name = providerName(providerId);
  if (contact?.phone && contact?.web) return `${name} on ${contact.phone} or at ${contact.web}`;
  if (contact?.phone) return `${name} on ${contact.phone}`;
  if (contact?.web) return `${name} at ${contact.web}`;
  return `${name} (the officer who referred you can give you their number)`;
}

const schemeName = (id?: string) => (id ? (SCHEMES.find((s) => s.id === id)?.name ?? id) : 'not known');

/** An unknown scheme is spoken of without guessing its consequence. */
const UNKNOWN_SCHEME_WORDING: SchemeWording = {
  disposal: 'a drug diversion',
  failure: 'the person did not engage with the diversion. A summons is requested.',
  consequenceForPerson: 'this may affect your diversion',
};

/** Each scheme's own words for what it is and what failing it means (libs/domain schemeWording). */
function wordingOf(id?: string): SchemeWording {
  const scheme = id ? SCHEMES.find((s) => s.id === id) : undefined;
  return scheme ? schemeWording(scheme) : UNKNOWN_SCHEME_WORDING;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const AGE_BAND_TEXT: Record<string, string> = { youth: 'under 18 (a young person)', adult: 'adult' };
const areaName = (code?: string) => (code ? (AREAS.find((a) => a.code === code)?.name ?? code) : 'not known');
const words = (code?: string) => (code ? code.replace(/-/g, ' ') : 'not given');

export function appointmentName(a: AppointmentContext | undefined): string {
  if (!a) return 'appointment';
  return a.kind === 'assessment' ? 'assessment' : `course session${a.sessionNumber ? ` ${a.sessionNumber}` : ''}`;
}

export interface VariableInputs {
  referralId: string;
  context: NotificationContext;
  contact: ContactDetails | null;
  providerContact: ProviderPublicContact | null;
}

/** Every value a template may use. Values absent from the context read plainly, never as blanks. */
export function messageVariables({ referralId, context, contact, providerContact }: VariableInputs): Record<string, string> {
  const providerId = context.providerId ?? contact?.providerId;
  const appointment = context.appointment;
  const sessions = context.sessions ?? [];
  const event = context.event ?? {};
  const wording = wordingOf(context.schemeId ?? contact?.schemeId);
  return {
    referralId,
    shortRef: context.shortRef ?? contact?.shortRef ?? referralId,
    givenName: contact?.givenName ?? 'there',
    providerName: providerName(providerId),
    providerContact: providerContactLine(providerId, providerContact),
    appointmentName: appointmentName(appointment),
    when: appointment ? formatUkDateTime(appointment.startsAt) : 'the time you were given',
    modality: MODALITY_TEXT[appointment?.modality ?? ''] ?? 'as arranged',
    previousWhen: context.previousAppointment ? formatUkDateTime(context.previousAppointment.startsAt) : 'as booked before',
    sessionNumber: String(appointment?.sessionNumber ?? ''),
    sessionCount: String(sessions.length),
    firstSession: sessions[0] ? `${formatUkDateTime(sessions[0].startsAt)} (${MODALITY_TEXT[sessions[0].modality ?? ''] ?? 'as arranged'})` : 'to be arranged',
    sessionList: sessions.map((s, i) => `  ${i + 1}. ${formatUkDateTime(s.startsAt)} (${MODALITY_TEXT[s.modality ?? ''] ?? 'as arranged'})`).join('\n'),
    deadline: context.deadline ? formatUkDateTime(context.deadline) : 'as soon as you can',
    reason: context.reason ?? 'not given',
    reasonText: TRIGGER_TEXT[context.reason ?? ''] ?? words(context.reason),
    reasons: (context.reasons ?? []).map(words).join('; ') || 'not given',
    schemeName: schemeName(context.schemeId ?? contact?.schemeId),
    schemeDisposal: wording.disposal,
    failureSummary: sentence(wording.failure),
    consequence: wording.consequenceForPerson,
    areaName: areaName(context.area ?? contact?.area),
    collarNumber: context.officerCollarNumber ?? contact?.officerCollarNumber ?? 'not known',
    encounterId: context.encounterId ?? 'not known',
    offence: [words(event.offenceType), event.substance ? `(${event.substance})` : ''].filter(Boolean).join(' '),
    ageBand: AGE_BAND_TEXT[String(event.ageBand)] ?? 'not known',
    personRef: String(event.personRef ?? 'not known'),
    bwvReference: String(event.bwvReference ?? 'none recorded'),
    summonsRequestId: String(event.summonsRequestId ?? 'not known'),
    reviewId: String(event.reviewId ?? 'not known'),
    teamName: context.teamName ?? 'Youth Offending Team',
    guardianName: contact?.guardian?.name ?? 'parent or guardian',
    detectedBy: event.detectedBy === 'provider' ? 'the provider recorded it as missed' : 'nothing was recorded by the deadline',
  };
}
