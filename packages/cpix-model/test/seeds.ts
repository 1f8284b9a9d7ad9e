import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The seed documents (`/work/shared/seeds/`); override with CPIXKIT_SEEDS_DIR. */
export const seedsDir: string =
  process.env.CPIXKIT_SEEDS_DIR ?? new URL('../../../../shared/seeds', import.meta.url).pathname;

/** One CPIX XML sample cut out of a seed text. */
export interface SeedSample {
  /** `<seed file prefix>#<ordinal in that file>`, e.g. `002#3`. */
  name: string;
  xml: string;
}

const START = /^[ \t]*(<\?xml[^>]*\?>|<cpix:CPIX[\s>])/gm;
const END = '</cpix:CPIX>';

/**
 * Every CPIX sample in the seed texts: from an XML declaration (or a `<cpix:CPIX` not preceded by
 * one), at the start of a line, to `</cpix:CPIX>`; a sample whose end is missing (a damaged copy)
 * runs to the next blank line.
 */
export function seedSamples(): SeedSample[] {
  const samples: SeedSample[] = [];
  for (const file of readdirSync(seedsDir).filter((f) => f.endsWith('.txt')).sort()) {
    const text = readFileSync(join(seedsDir, file), 'utf8');
    const starts: number[] = [];
    for (const match of text.matchAll(START)) {
      const previous = text.slice(0, match.index).trimEnd();
      if (match[1]!.startsWith('<cpix:CPIX') && previous.endsWith('?>')) continue;
      starts.push(match.index + match[0].length - match[1]!.length);
    }
    starts.forEach((start, ordinal) => {
      const next = starts[ordinal + 1] ?? text.length;
      const end = text.indexOf(END, start);
      let xml: string;
      if (end !== -1 && end < next) {
        xml = text.slice(start, end + END.length);
      } else {
        const blank = text.slice(start, next).search(/\n[ \t]*\n/);
        xml = text.slice(start, blank === -1 ? next : start + blank);
      }
      // A lone start tag quoted in the prose is not a sample.
      if (xml.split('<cpix:').length > 2) samples.push({ name: `${file.slice(0, 3)}#${samples.filter((s) => s.name.startsWith(file.slice(0, 3))).length + 1}`, xml });
    });
  }
  return samples;
}
