import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, point 10: the kinds of local service a person is signposted to when their
 * course ends (seed 004: "On completing the course they are signposted to other local
 * services for ongoing support"), carried by CourseCompleted.
 */
export class CourseSignposting1763700000230 implements MigrationInterface {
  name = 'CourseSignposting1763700000230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE course ADD COLUMN signposting jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE course DROP COLUMN signposting`);
  }
}
