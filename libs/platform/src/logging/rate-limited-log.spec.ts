import { RateLimitedLog } from './rate-limited-log';

describe('RateLimitedLog', () => {
  it('lets a few lines of a kind through per window, then counts the rest and reports them with the next window\'s first line', () => {
    let now = 0;
    const log = new RateLimitedLog(2, 1000, () => now);
    const written = () => Array.from({ length: 100 }, () => log.admit('malformed-json')).filter((a) => a.write);
    expect(written()).toHaveLength(2);
    expect(log.admit('body-too-large').write).toBe(true); // another kind has its own allowance
    now = 1000;
    expect(log.admit('malformed-json')).toEqual({ write: true, suppressed: 98 });
    expect(log.admit('malformed-json')).toEqual({ write: true, suppressed: 0 });
  });
});
