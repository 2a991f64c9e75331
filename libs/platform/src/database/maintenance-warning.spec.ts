import { maintenanceWarning } from './database';

describe('the start-up check of the server maintenance settings', () => {
  it('says nothing when autovacuum keeps the tables analyzed', () => {
    expect(maintenanceWarning({ autovacuum: 'on', track_counts: 'on' })).toBeNull();
  });

  it('names what is off and what it costs', () => {
    expect(maintenanceWarning({ autovacuum: 'off', track_counts: 'on' })).toBe(
      'PostgreSQL has autovacuum off: tables are never analyzed or vacuumed, so lookups turn into sequential scans and slow down as tables grow; turn it on, or run VACUUM ANALYZE on a schedule',
    );
    expect(maintenanceWarning({ autovacuum: 'on', track_counts: 'off' })).toMatch(/^PostgreSQL has track_counts off:/);
    expect(maintenanceWarning({ autovacuum: 'off', track_counts: 'off' })).toMatch(/^PostgreSQL has autovacuum and track_counts off:/);
  });
});
