import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The test data every package shares, all inside the repository: the byte vectors and CPIX
 * documents in `tooling/fixtures/` (see its README) and the DASH-IF CPIX schemas in
 * `third_party/dash-if-cpix-schema/`.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);
const DOCUMENTS = new URL('documents/', FIXTURES);
const SCHEMAS = new URL('../../third_party/dash-if-cpix-schema/', import.meta.url);

/**
 * Where a case's values were read: for a seed case the vendor text (`document`), its seed number
 * (`seed_file`, `000` to `004`, see `tooling/fixtures/README.md`) and the fixture documents or
 * element that carry them (`where`); for a public case the repository files at a commit.
 */
export interface VectorSource {
  document?: string;
  seed_file?: string;
  where?: string;
  references?: { repo: string; path: string; commit: string }[];
}

/**
 * One case of `tooling/fixtures/vectors.json`: `expected` was verified byte-exact from `inputs`.
 * `Field` is the type a test reads the `inputs`/`expected` values as (JSON, not checked; `string`
 * where a test only uses string fields).
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
  cases ??= (JSON.parse(readFileSync(new URL('vectors.json', FIXTURES), 'utf8')) as { cases: VectorCase[] }).cases;
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

/**
 * The CPIX samples of the vendor texts (seeds), by `<seed>#<ordinal>` in the order the text
 * prints them, and the fixture document that reproduces each one. The AWS requests (003#1, 003#3)
 * are as the spec prints them, with `DRMSysList`/`DRMSys`; the AWS responses and the 004 copies
 * are damaged as printed, so that they do not parse.
 */
const SAMPLE_FILES: Readonly<Record<string, string>> = {
  '000#1': 'pallycon-dash-live-request.xml',
  '000#2': 'pallycon-dash-live-response.xml',
  '000#3': 'pallycon-hls-live-request.xml',
  '000#4': 'pallycon-hls-live-response.xml',
  '000#5': 'pallycon-dash-vod-request.xml',
  '000#6': 'pallycon-dash-vod-response.xml',
  '000#7': 'pallycon-hls-vod-request.xml',
  '000#8': 'pallycon-hls-vod-response.xml',
  '000#9': 'pallycon-anevia-nea-dvr-dash-response.xml',
  '001#1': 'pallycon-2nd-edition-dash-vod-request.xml',
  '001#2': 'pallycon-2nd-edition-dash-vod-response.xml',
  '001#3': 'pallycon-2nd-edition-hls-vod-request.xml',
  '001#4': 'pallycon-2nd-edition-hls-vod-response.xml',
  '001#5': 'pallycon-2nd-edition-dash-live-request.xml',
  '001#6': 'pallycon-2nd-edition-dash-live-response.xml',
  '001#7': 'pallycon-2nd-edition-hls-live-request.xml',
  '001#8': 'pallycon-2nd-edition-hls-live-response.xml',
  '001#9': 'pallycon-2nd-edition-ateme-nea-dvr-dash-response.xml',
  '002#1': 'axinom-speke-v2-request.xml',
  '002#2': 'axinom-speke-v2-response.xml',
  '002#3': 'axinom-speke-v1-request.xml',
  '002#4': 'axinom-speke-v1-response.xml',
  '003#1': 'aws-speke-v1-live-request-drmsyslist.xml',
  '003#2': 'aws-speke-v1-live-response-damaged.xml',
  '003#3': 'aws-speke-v1-vod-request-drmsyslist.xml',
  '003#4': 'aws-speke-v1-vod-response-damaged.xml',
  '004#1': 'axinom-usp-request-damaged.xml',
  '004#2': 'axinom-usp-response-damaged.xml',
};

/** The fixture documents by what they are: vendor, dialect, request or response (see {@link seedDocument}). */
const SEED_DOCUMENTS = {
  pallyConDashLiveRequest: 'pallycon-dash-live-request.xml',
  pallyConDashLiveResponse: 'pallycon-dash-live-response.xml',
  pallyConHlsLiveRequest: 'pallycon-hls-live-request.xml',
  pallyConHlsLiveResponse: 'pallycon-hls-live-response.xml',
  pallyConDashVodRequest: 'pallycon-dash-vod-request.xml',
  pallyConDashVodResponse: 'pallycon-dash-vod-response.xml',
  pallyConHlsVodRequest: 'pallycon-hls-vod-request.xml',
  pallyConHlsVodResponse: 'pallycon-hls-vod-response.xml',
  atemeDashResponse: 'pallycon-anevia-nea-dvr-dash-response.xml',
  pallyCon2DashVodRequest: 'pallycon-2nd-edition-dash-vod-request.xml',
  pallyCon2DashVodResponse: 'pallycon-2nd-edition-dash-vod-response.xml',
  pallyCon2HlsVodRequest: 'pallycon-2nd-edition-hls-vod-request.xml',
  pallyCon2DashLiveRequest: 'pallycon-2nd-edition-dash-live-request.xml',
  pallyCon2HlsLiveRequest: 'pallycon-2nd-edition-hls-live-request.xml',
  axinomSpekeV2Request: 'axinom-speke-v2-request.xml',
  axinomSpekeV2Response: 'axinom-speke-v2-response.xml',
  axinomSpekeV1Request: 'axinom-speke-v1-request.xml',
  axinomSpekeV1Response: 'axinom-speke-v1-response.xml',
  awsLiveRequest: 'aws-speke-v1-live-request.xml',
  awsLiveResponse: 'aws-speke-v1-live-response-damaged.xml',
  awsVodRequest: 'aws-speke-v1-vod-request.xml',
  awsVodResponse: 'aws-speke-v1-vod-response-damaged.xml',
  awsLiveRequestDrmSysList: 'aws-speke-v1-live-request-drmsyslist.xml',
  awsVodRequestDrmSysList: 'aws-speke-v1-vod-request-drmsyslist.xml',
} as const;

/** The name of a fixture CPIX document, for {@link seedDocument}. */
export type SeedName = keyof typeof SEED_DOCUMENTS;

/** The file names of every fixture document (`tooling/fixtures/documents/`), each once, sorted. */
export function seedFiles(): string[] {
  return [...new Set([...Object.values(SAMPLE_FILES), ...Object.values(SEED_DOCUMENTS)])].sort();
}

/** The text of one fixture document by file name (`axinom-speke-v2-request.xml`). */
function documentText(file: string): string {
  return readFileSync(new URL(file, DOCUMENTS), 'utf8');
}

/** One CPIX sample of a vendor text. */
export interface SeedSample {
  /** `<seed>#<ordinal in that text>`, e.g. `002#3`. */
  name: string;
  xml: string;
}

/** Every sample of the vendor texts, `000#1` to `004#2`, in that order. */
export function seedSamples(): SeedSample[] {
  return Object.entries(SAMPLE_FILES).map(([name, file]) => ({ name, xml: documentText(file) }));
}

/** One sample by name (`002#1`); throws when there is none. */
export function seedSample(name: string): string {
  const file = SAMPLE_FILES[name];
  if (file === undefined) throw new Error(`seed sample ${name} not found`);
  return documentText(file);
}

/**
 * One fixture CPIX document by what it is. The AWS requests are written with the spec's
 * `DRMSystemList`/`DRMSystem`; `awsLiveRequestDrmSysList` and `awsVodRequestDrmSysList` are the same
 * requests with the list elements misspelt `DRMSysList`/`DRMSys`, as the AWS spec prints them. The
 * AWS responses are damaged as printed (a closing tag split in two) and do not parse.
 */
export function seedDocument(name: SeedName): string {
  return documentText(SEED_DOCUMENTS[name]);
}

/** The DASH-IF CPIX schema directory, or one version's (`…/2.3`) when given. */
export function schemaDir(version?: '2.3' | '2.4'): string {
  return fileURLToPath(version === undefined ? SCHEMAS : new URL(`${version}/`, SCHEMAS)).replace(/[\\/]$/, '');
}
