import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The test data every package shares (`vectors/`, `seeds/`, `schema/`) lives beside the
 * repository checkout, not inside it: `<root>/../shared`. `CPIXKIT_SHARED` points elsewhere.
 */
const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where one piece of the shared data is, or a clear error naming the path that is missing. */
function existing(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`shared test data not found at ${path}: put shared/ beside the repository checkout or set CPIXKIT_SHARED`);
  }
  return path;
}

/** The shared data directory: `CPIXKIT_SHARED` when set, otherwise `<repository root>/../shared`. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CPIXKIT_SHARED;
  return existing(override ? resolve(override) : resolve(REPOSITORY_ROOT, '..', 'shared'));
}

/** A path inside the shared data directory; throws naming the path when it does not exist. */
export function sharedPath(...segments: string[]): string {
  return existing(join(sharedDir(), ...segments));
}

/** Where a seed-derived case was found, or the public references of a public/derived one. */
export interface VectorSource {
  document?: string;
  seed_file?: string;
  where?: string;
  references?: { repo: string; path: string; commit: string }[];
}

/**
 * One case of `vectors/vectors.json` (see its README): `expected` was verified byte-exact from
 * `inputs`. `Field` is the type a test reads the `inputs`/`expected` values as (JSON, not checked;
 * `string` where a test only uses string fields).
 */
export interface VectorCase<Field = unknown> {
  name: string;
  kind: string;
  origin: 'seed' | 'public' | 'derived';
  source: VectorSource;
  inputs: Record<string, Field>;
  expected: Record<string, Field>;
  decoded?: Record<string, unknown>;
}

let cases: VectorCase[] | undefined;

/** Every case of the vectors file, read once. */
function allVectorCases(): VectorCase[] {
  cases ??= (JSON.parse(readFileSync(sharedPath('vectors', 'vectors.json'), 'utf8')) as { cases: VectorCase[] }).cases;
  return cases;
}

/** The cases of the given kinds, in file order; throws when there are none, so a test cannot pass empty. */
export function vectorCases<Field = unknown>(...kinds: [string, ...string[]]): VectorCase<Field>[] {
  const selected = allVectorCases().filter((c) => kinds.includes(c.kind));
  if (selected.length === 0) throw new Error(`no vectors of kind ${kinds.join(', ')}`);
  return selected as VectorCase<Field>[];
}

/** The case of that name (and, when given, that kind); throws when it is missing. */
export function vectorCase<Field = unknown>(name: string, kind?: string): VectorCase<Field> {
  const found = allVectorCases().find((c) => c.name === name && (kind === undefined || c.kind === kind));
  if (!found) throw new Error(`no vector named ${name}${kind === undefined ? '' : ` of kind ${kind}`}`);
  return found as VectorCase<Field>;
}

/** Bytes of a base64 string. */
export const fromBase64 = (value: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'base64'));
/** Bytes of a hex string. */
export const fromHex = (value: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'hex'));
/** Lower-case hex of bytes. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The seed texts' file names (`000_<hash>.txt` …), sorted. */
export function seedFiles(): string[] {
  return readdirSync(sharedPath('seeds'))
    .filter((file) => file.endsWith('.txt'))
    .sort();
}

/** The text of the seed whose file name starts with `prefix` (e.g. `002`); throws when there is none. */
export function seedText(prefix: string): string {
  const file = seedFiles().find((name) => name.startsWith(prefix));
  if (file === undefined) throw new Error(`no seed file starting with ${prefix} in ${sharedPath('seeds')}`);
  return readFileSync(sharedPath('seeds', file), 'utf8');
}

/** One CPIX XML sample cut out of a seed text. */
export interface SeedSample {
  /** `<seed file prefix>#<ordinal in that file>`, e.g. `002#3`. */
  name: string;
  xml: string;
}

let allSamples: SeedSample[] | undefined;

const SAMPLE_START = /^[ \t]*(<\?xml[^>]*\?>|<cpix:CPIX[\s>])/gm;
const SAMPLE_END = '</cpix:CPIX>';

/** The CPIX samples of one seed text, named `<prefix>#<ordinal>`. */
function samplesOf(prefix: string, text: string): SeedSample[] {
  const starts: number[] = [];
  for (const match of text.matchAll(SAMPLE_START)) {
    const previous = text.slice(0, match.index).trimEnd();
    if (match[1]!.startsWith('<cpix:CPIX') && previous.endsWith('?>')) continue;
    starts.push(match.index + match[0].length - match[1]!.length);
  }
  const samples: SeedSample[] = [];
  starts.forEach((start, ordinal) => {
    const next = starts[ordinal + 1] ?? text.length;
    const end = text.indexOf(SAMPLE_END, start);
    let xml: string;
    if (end !== -1 && end < next) {
      xml = text.slice(start, end + SAMPLE_END.length);
    } else {
      const blank = text.slice(start, next).search(/\n[ \t]*\n/);
      xml = text.slice(start, blank === -1 ? next : start + blank);
    }
    // A lone start tag quoted in the prose is not a sample.
    if (xml.split('<cpix:').length > 2) samples.push({ name: `${prefix}#${samples.length + 1}`, xml });
  });
  return samples;
}

/**
 * Every CPIX sample in the seed texts: from an XML declaration (or a `<cpix:CPIX` not preceded by
 * one), at the start of a line, to `</cpix:CPIX>`; a sample whose end is missing (a damaged copy)
 * runs to the next blank line.
 */
export function seedSamples(): SeedSample[] {
  allSamples ??= seedFiles().flatMap((file) => samplesOf(file.slice(0, 3), readFileSync(sharedPath('seeds', file), 'utf8')));
  return allSamples.map((sample) => ({ ...sample }));
}

/** One seed sample by name (`002#1`); throws when there is none. */
export function seedSample(name: string): string {
  const found = seedSamples().find((sample) => sample.name === name);
  if (found === undefined) throw new Error(`seed sample ${name} not found`);
  return found.xml;
}

/** The seed samples by what they are: vendor, dialect, request or response (see {@link seedDocument}). */
const SEED_DOCUMENTS = {
  pallyConDashLiveRequest: '000#1',
  pallyConDashLiveResponse: '000#2',
  pallyConHlsLiveRequest: '000#3',
  pallyConHlsLiveResponse: '000#4',
  pallyConDashVodRequest: '000#5',
  pallyConDashVodResponse: '000#6',
  pallyConHlsVodRequest: '000#7',
  pallyConHlsVodResponse: '000#8',
  atemeDashResponse: '000#9',
  pallyCon2DashVodRequest: '001#1',
  pallyCon2DashVodResponse: '001#2',
  pallyCon2HlsVodRequest: '001#3',
  pallyCon2DashLiveRequest: '001#5',
  pallyCon2HlsLiveRequest: '001#7',
  axinomSpekeV2Request: '002#1',
  axinomSpekeV2Response: '002#2',
  axinomSpekeV1Request: '002#3',
  axinomSpekeV1Response: '002#4',
  awsLiveRequest: '003#1',
  awsLiveResponse: '003#2',
  awsVodRequest: '003#3',
  awsVodResponse: '003#4',
} as const;

/** The name of a seed CPIX document, for {@link seedDocument}. */
export type SeedName = keyof typeof SEED_DOCUMENTS;

/**
 * One seed CPIX document by what it is. The AWS spec's (003) samples came out of a PDF as
 * `DRMSysList`/`DRMSys`; the element names are restored to `DRMSystemList`/`DRMSystem`, nothing
 * else is changed.
 */
export function seedDocument(name: SeedName): string {
  const xml = seedSample(SEED_DOCUMENTS[name]);
  return name.startsWith('aws') ? xml.replace(/(<\/?cpix:)DRMSys(List)?\b/g, '$1DRMSystem$2') : xml;
}

/** The DASH-IF CPIX schema directory (`schema/`), or one version's (`schema/2.3`) when given. */
export function schemaDir(version?: '2.3' | '2.4'): string {
  return version === undefined ? sharedPath('schema') : sharedPath('schema', version);
}
