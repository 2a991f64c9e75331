/** Injection token of the ContactSource (the referral service's contact endpoint). */
export const CONTACT_SOURCE = Symbol('CONTACT_SOURCE');
