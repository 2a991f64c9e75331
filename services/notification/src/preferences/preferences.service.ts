import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@ddp/platform';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { PreferenceEntity } from './preference.entity';

export interface Preference {
  referralId: string;
  /** The channel the person chose; null: the service default. */
  channel: 'sms' | 'email' | null;
  optOut: boolean;
  recordedAt: Date | null;
}

/** The person's chosen channel and opt-out, kept as a history (each change supersedes the last). */
@Injectable()
export class PreferencesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async current(referralId: string, manager: EntityManager = this.dataSource.manager): Promise<Preference> {
    const row = await manager.findOne(PreferenceEntity, { where: { referralId, supersededAt: IsNull() } });
    return { referralId, channel: row?.channel ?? null, optOut: row?.optOut ?? false, recordedAt: row?.recordedAt ?? null };
  }

  /**
   * Records a change (fields left out keep their value). Opting out cancels the
   * reminders and routine notices still pending; legal notices stay (see README).
   */
  async record(referralId: string, change: { channel?: 'sms' | 'email'; optOut?: boolean }, recordedBy: string): Promise<Preference> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      // Serialise changes of one referral so exactly one row stays current.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`preference:${referralId}`]);
      const before = await this.current(referralId, m);
      await m.query('UPDATE notification_preference SET superseded_at = $2 WHERE referral_id = $1 AND superseded_at IS NULL', [referralId, now]);
      const row = await m.save(PreferenceEntity, m.create(PreferenceEntity, {
        referralId,
        channel: change.channel ?? before.channel,
        optOut: change.optOut ?? before.optOut,
        recordedAt: now,
        recordedBy,
        supersededAt: null,
      }));
      if (row.optOut && !before.optOut) {
        await m.query(
          `UPDATE notification SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'the person opted out', needs_sync = true, updated_at = $2
            WHERE referral_id = $1 AND recipient_role IN ('person', 'guardian') AND category IN ('routine', 'reminder')
              AND status IN ('scheduled', 'queued', 'held-quiet-hours')`,
          [referralId, now],
        );
      }
      return { referralId, channel: row.channel, optOut: row.optOut, recordedAt: row.recordedAt };
    });
  }
}
