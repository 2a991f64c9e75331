import * as fs from 'fs';
import * as path from 'path';
import { SCHEMES } from '@ddp/domain';
import { REFERENCE_LINES } from './config/reference-lines';

// The seeds sit beside the repository: ../shared/seeds from the repository root.
const SHARED = path.resolve(__dirname, '../../../../shared');

describe('reference lines: the figures the seed documents report', () => {
  it.each(REFERENCE_LINES.map((l) => [l.id, l]))('%s quotes its seed word for word', (_id, line) => {
    const seed = fs.readFileSync(path.join(SHARED, line.source), 'utf8').replace(/\s+/g, ' ');
    expect(seed).toContain(line.quote);
  });

  it.each(REFERENCE_LINES.map((l) => [l.id, l]))('%s states in its quote the value it records', (_id, line) => {
    const shown = line.value < 1 ? `${Math.round(line.value * 100)}%` : line.value.toLocaleString('en-GB');
    expect(line.quote).toContain(shown);
  });

  it('names only schemes that exist, and ids once', () => {
    const ids = new Set(SCHEMES.map((s) => s.id));
    for (const line of REFERENCE_LINES) for (const id of line.schemeIds) expect(ids).toContain(id);
    expect(new Set(REFERENCE_LINES.map((l) => l.id)).size).toBe(REFERENCE_LINES.length);
  });

  it('holds the six figures the evaluation issue lists', () => {
    for (const figure of ['78%', '40% of adults', '88%', 'over 80%', '98%', 'an estimated 5,000 referrals per year – up to 100 per week']) {
      expect(REFERENCE_LINES.some((l) => l.quote.includes(figure))).toBe(true);
    }
  });
});
