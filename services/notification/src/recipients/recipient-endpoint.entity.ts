import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const ENDPOINT_MATCHES = ['collar', 'provider', 'area', 'default'] as const;
export type EndpointMatch = (typeof ENDPOINT_MATCHES)[number];

/**
 * Where officers, providers and the courts unit receive notices: an e-mail mailbox or a
 * signed webhook, matched by collar number, provider id, area, or a default for the role.
 * Configuration, not code: changed through PUT /v1/recipient-endpoints; a change
 * supersedes the row before it.
 */
@Entity('recipient_endpoint')
export class RecipientEndpointEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) role: string;
  @Column({ name: 'match_kind', type: 'text' }) matchKind: EndpointMatch;
  @Column({ name: 'match_value', type: 'text' }) matchValue: string;
  @Column({ type: 'text' }) channel: 'email' | 'webhook';
  @Column({ type: 'text' }) address: string;
  /** HMAC secret of a webhook (configuration held like any other secret of the service). */
  @Column({ type: 'text', nullable: true }) secret: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
}

/** How people reach a provider (printed in messages to the person so they can rebook). */
@Entity('provider_contact')
export class ProviderContactEntity {
  @PrimaryColumn({ name: 'provider_id', type: 'text' }) providerId: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ type: 'text', nullable: true }) web: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
}
