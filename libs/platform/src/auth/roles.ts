/**
 * Who may do what (issue 21, "Who may do what"): the realm roles and, per capability, the
 * roles allowed. Routes declare `@Roles(...ACCESS.supervise)`; the guard reads the route's
 * roles; tests enumerate every route's roles (routePolicies) against this table.
 * The same role names are the realm roles of infra/keycloak/realm/ddp-realm.json.
 */
export const ROLES = [
  'police-system',
  'officer',
  'provider-caseworker',
  'provider-system',
  'courts-clerk',
  'courts-system',
  'supervisor',
  'analyst',
  'operator',
  'dpo',
  'contact-reader',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that act for one provider only: their token carries the provider id. */
export const PROVIDER_ROLES: readonly Role[] = ['provider-caseworker', 'provider-system'];

export const ACCESS = {
  /** Submit an encounter (the police system over HTTP; an officer by form, for the web app). */
  submitEncounter: ['police-system', 'officer'],
  /** Look a referral up by short reference and see its status. */
  readReferralStatus: ['police-system', 'officer'],
  /** Everything under /v1/providers/:id/…, for the caller's own provider only. */
  ownProvider: ['provider-caseworker', 'provider-system'],
  /** The summons-request worklist, acknowledgements and court results. */
  courts: ['courts-clerk', 'courts-system'],
  /** Excuse an absence, withdraw a referral or a summons request, release parked events. */
  supervise: ['supervisor'],
  /** Figures only, no personal data. */
  figures: ['analyst'],
  /** /admin/*, health detail, dead letters. */
  operate: ['operator'],
  /** The access log. */
  accessLog: ['dpo'],
  /** A person's contact details, service to service (the notification service). */
  readContacts: ['contact-reader'],
} as const satisfies Record<string, readonly Role[]>;
