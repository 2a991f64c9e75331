import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Attendance at one course session, recorded once (primary key = the appointment). */
@Entity('attendance')
export class AttendanceEntity {
  @PrimaryColumn({ name: 'appointment_id', type: 'uuid' }) appointmentId: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'course_id', type: 'uuid' }) courseId: string;
  @Column({ name: 'session_number', type: 'int' }) sessionNumber: number;
  @Column({ type: 'text' }) mark: 'attended' | 'late' | 'did-not-attend';
  @Column({ name: 'absence_class', type: 'text', nullable: true }) absenceClass: 'acceptable' | 'logistics' | 'unacceptable' | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  /** libs/domain assessAttendance, at the time of recording. */
  @Column({ name: 'counts_as_failure', type: 'boolean' }) countsAsFailure: boolean;
  @Column({ name: 'follow_up', type: 'text' }) followUp: 'none' | 'rebook' | 'open-review';
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
}
