import * as fs from 'fs';
import * as path from 'path';

/** The library must stay pure: no framework, no I/O, no reading of the clock. */
const FORBIDDEN_IMPORT = /from\s+['"](@nestjs\/[^'"]*|typeorm|kafkajs|bullmq|ioredis|pg|fs|net|http|https|child_process|node:[^'"]*|dgram|dns|os)['"]|require\(/;
const CLOCK = /Date\.now\(\)|new Date\(\s*\)|performance\.now\(\)|Math\.random\(\)/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('purity', () => {
  const files = sources(__dirname);

  it('finds the library sources', () => {
    expect(files.map((f) => path.relative(__dirname, f))).toEqual(expect.arrayContaining(['index.ts', 'rate.ts', 'suppression.ts', 'config/reference-lines.ts']));
  });

  it.each(sources(__dirname).map((f) => [path.relative(__dirname, f), f]))('%s imports no framework or I/O and never reads the clock', (_rel, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(FORBIDDEN_IMPORT);
    expect(text).not.toMatch(CLOCK);
  });
});
