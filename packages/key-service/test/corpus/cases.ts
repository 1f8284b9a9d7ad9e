import { readFileSync } from 'node:fs';
import { normalizeUuid } from '@cpixkit/pssh';
import { expect } from 'vitest';
import { type SeedName, seedDocument, seedSample } from '../../../../tooling/src/fixtures.js';
import { SPEKE_ROUTES, spekeDialectOf, spekeRequestOptions } from '../../src/index.js';
import type { Dialect, KeyServiceRequest } from '../../src/index.js';
import { answerShape } from '../shape.js';

/**
 * The interoperability corpus: requests shaped like those AWS Elemental encoders and packagers,
 * Axinom's and USP's documented flows and the PallyCon guide send, each with what the key server
 * must answer. The requests are the XML files beside this module (written out in full) and the
 * seeds' samples (through `seedDocument`/`seedSample`); the same table is run against the engine,
 * the fastify server and the Lambda.
 */

/** Where a case's request comes from. */
export type CorpusRequest = { file: string } | { seed: SeedName } | { seedSample: string };

/** An answered request: each answer `DRMSystem`'s elements, in order, and the warning codes. */
export interface Answered {
  status: 200;
  /** Per answer `DRMSystem`: its short system name and its elements (as `test/shape.ts` names them, sorted). */
  systems: [SystemName, string[]][];
  /** The distinct warning codes, exactly: what `X-Cpixkit-Warnings` lists. */
  warnings: string[];
  /** `kept`: the request's KIDs are answered; `derived`: the server's. */
  kids?: 'kept' | 'derived';
  /** The root's content id attribute and `version` (`null`: none). */
  root?: { id?: string; contentId?: string; version: string | null };
  /** Text the answer must echo (foreign elements and attributes). */
  echoes?: string[];
}

/** A refused request. */
export interface Refused {
  status: 400 | 413 | 422;
  code: string;
  /** Text the refusal's reason names. */
  mentions?: string;
}

/** One request of the corpus and what answers it. */
export interface CorpusCase {
  name: string;
  request: CorpusRequest;
  /** The HTTP path and query; `{token}` stands for the tenant's token in PallyCon paths. */
  path: string;
  headers?: Record<string, string>;
  expected: Answered | Refused;
}

export type SystemName = 'widevine' | 'playready' | 'fairplay' | 'aes128';

const SYSTEM_IDS: Record<SystemName, string> = {
  widevine: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
  playready: '9a04f079-9840-4286-ab92-e65be0885f95',
  fairplay: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
  aes128: '81376844-f976-481e-a84e-cc25d39b0b33',
};

const AWS_V2 = '/speke/v2.0/copyProtection';
const AWS_V1 = '/speke/v1.0/copyProtection';
const V2_HEADERS = { 'content-type': 'application/xml', 'x-speke-version': '2.0' };
const V1_HEADERS = { 'content-type': 'application/xml' };

const CPD = 'ContentProtectionData';
const MASTER = 'HLSSignalingData[master]';
const MEDIA = 'HLSSignalingData[media]';
const MSS = 'SmoothStreamingProtectionHeaderData';
const URI = 'URIExtXKey';
const HLS = [MASTER, MEDIA];
/** Widevine and PlayReady in SPEKE v2: box, DASH fragment and both HLS lines. */
const DASH_AND_HLS = [CPD, MASTER, MEDIA, 'PSSH'];
const SPEKE_V1_HLS = [URI, 'speke:keyFormat', 'speke:keyFormatVersions'];

/** Widevine, FairPlay and PlayReady for `keys` cbcs keys, in the order the multi-key files ask them. */
function multiDrm(keys: number): [SystemName, string[]][] {
  const systems: [SystemName, string[]][] = [
    ['widevine', DASH_AND_HLS],
    ['fairplay', HLS],
    ['playready', DASH_AND_HLS],
  ];
  return systems.flatMap((system) => Array.from({ length: keys }, () => system));
}

/** The PallyCon seed requests and their answers' elements, in the v1 and v2 dialects. */
const PALLYCON_SEEDS: [SeedName, [SystemName, string[]][], [SystemName, string[]][]][] = [
  [
    'pallyConDashLiveRequest',
    [
      ['playready', ['PSSH']],
      ['widevine', ['PSSH']],
    ],
    [
      ['playready', [CPD, 'PSSH', 'speke:protectionHeader']],
      ['widevine', [CPD, 'PSSH']],
    ],
  ],
  ['pallyConHlsLiveRequest', [['fairplay', [URI]]], [['fairplay', [...HLS, URI]]]],
  [
    'pallyConDashVodRequest',
    [
      ['playready', ['PSSH']],
      ['widevine', ['PSSH']],
    ],
    [
      ['playready', [CPD, 'PSSH', 'speke:protectionHeader']],
      ['widevine', [CPD, 'PSSH']],
    ],
  ],
  [
    'pallyConHlsVodRequest',
    [
      ['fairplay', [URI]],
      ['aes128', [URI]],
    ],
    [
      ['fairplay', [...HLS, URI]],
      ['aes128', [URI]],
    ],
  ],
  [
    'pallyCon2DashVodRequest',
    [
      ['playready', ['PSSH']],
      ['widevine', ['PSSH']],
    ],
    [
      ['playready', [CPD, 'PSSH', 'speke:protectionHeader']],
      ['widevine', [CPD, 'PSSH']],
    ],
  ],
  ['pallyCon2HlsVodRequest', [['fairplay', [URI]]], [['fairplay', [...HLS, URI]]]],
  [
    'pallyCon2DashLiveRequest',
    [
      ['playready', ['PSSH']],
      ['widevine', ['PSSH']],
    ],
    [
      ['playready', [CPD, 'PSSH', 'speke:protectionHeader']],
      ['widevine', [CPD, 'PSSH']],
    ],
  ],
  ['pallyCon2HlsLiveRequest', [['fairplay', [URI]]], [['fairplay', [...HLS, URI]]]],
];

/** The corpus. */
export const CORPUS: CorpusCase[] = [
  // 1. FairPlay asked for with the placeholders of every DRM system.
  {
    name: 'SPEKE v2: FairPlay with PSSH and ContentProtectionData placeholders',
    request: { file: 'speke-v2-fairplay-placeholders.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', HLS],
        ['fairplay', HLS],
      ],
      warnings: ['PLACEHOLDER_REMOVED'],
      kids: 'kept',
    },
  },
  ...(
    [
      [1, 1],
      [3, 2],
      [5, 3],
      [8, 2],
    ] as const
  ).map(
    ([video, audio]): CorpusCase => ({
      name: `SPEKE v2: FairPlay beside Widevine and PlayReady, ${video} video and ${audio} audio keys`,
      request: { file: `speke-v2-widevine-fairplay-playready-${video}-video-${audio}-audio.xml` },
      path: AWS_V2,
      headers: V2_HEADERS,
      expected: {
        status: 200,
        systems: multiDrm(video + audio),
        warnings: ['PLACEHOLDER_REMOVED', 'PLAYREADY_HEADER_4_3'],
        kids: 'kept',
      },
    }),
  ),
  // 2. Placeholders of other DRM systems.
  {
    name: 'SPEKE v2: Widevine asked for Smooth Streaming data',
    request: { file: 'speke-v2-widevine-smooth-streaming.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['widevine', [CPD, 'PSSH']],
        ['playready', [CPD, 'PSSH', MSS]],
      ],
      warnings: ['PLACEHOLDER_REMOVED'],
    },
  },
  {
    name: 'SPEKE v2: HLS AES-128 with PSSH and ContentProtectionData placeholders',
    request: { file: 'speke-v2-aes128-placeholders.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: { status: 200, systems: [['aes128', HLS]], warnings: ['PLACEHOLDER_REMOVED'] },
  },
  {
    name: 'SPEKE v2: Smooth Streaming data for a cbcs PlayReady key',
    request: { file: 'speke-v2-playready-cbcs-smooth-streaming.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [['playready', DASH_AND_HLS]],
      warnings: ['PLACEHOLDER_REMOVED_FOR_SCHEME', 'PLAYREADY_HEADER_4_3'],
    },
  },
  // 3. SPEKE v1 with all six placeholders in every DRMSystem.
  {
    name: 'SPEKE v1: the six placeholders in Widevine, PlayReady, FairPlay and AES-128',
    request: { file: 'speke-v1-six-placeholders.xml' },
    path: AWS_V1,
    headers: V1_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['widevine', [CPD, 'PSSH']],
        ['playready', [CPD, 'PSSH', 'speke:protectionHeader']],
        ['fairplay', SPEKE_V1_HLS],
        ['aes128', SPEKE_V1_HLS],
      ],
      warnings: ['PLACEHOLDER_REMOVED'],
      root: { id: 'six-placeholders', version: null },
    },
  },
  // 5. URIExtXKey, still a CPIX 2.3 element.
  {
    name: 'SPEKE v2: FairPlay asked for URIExtXKey',
    request: { file: 'speke-v2-fairplay-uri-ext-x-key.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: { status: 200, systems: [['fairplay', [...HLS, URI]]], warnings: [] },
  },
  // 6. Axinom's routes.
  {
    name: 'Axinom /SpekeV2: the SPEKE 2.0 sample as printed (FairPlay on cenc keys)',
    request: { seed: 'axinomSpekeV2Request' },
    path: '/SpekeV2',
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', HLS],
        ['fairplay', HLS],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['widevine', DASH_AND_HLS],
        ['widevine', DASH_AND_HLS],
      ],
      warnings: ['NON_CANONICAL_BASE64', 'FAIRPLAY_KEY_NOT_CBCS'],
      kids: 'kept',
      root: { contentId: 'abc123', version: '2.3' },
    },
  },
  {
    name: "AWS SPEKE v2: Axinom's SPEKE 2.0 sample keeps AWS's rule (FairPlay needs cbcs)",
    request: { seed: 'axinomSpekeV2Request' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: { status: 422, code: 'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS' },
  },
  {
    name: 'Axinom /SpekeV2?overrideKeyIds=true: KIDs derived by the server',
    request: { seed: 'axinomSpekeV2Request' },
    path: '/SpekeV2?overrideKeyIds=true',
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', HLS],
        ['fairplay', HLS],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['widevine', DASH_AND_HLS],
        ['widevine', DASH_AND_HLS],
      ],
      warnings: ['NON_CANONICAL_BASE64', 'FAIRPLAY_KEY_NOT_CBCS'],
      kids: 'derived',
    },
  },
  {
    name: 'USP via Axinom /SpekeV2: a CPIX 2.2 request without version',
    request: { file: 'usp-cpix-2.2-no-version.xml' },
    path: '/SpekeV2',
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', HLS],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['widevine', DASH_AND_HLS],
      ],
      warnings: ['FAIRPLAY_KEY_NOT_CBCS'],
      kids: 'kept',
      root: { id: 'test_ch1', version: null },
    },
  },
  {
    name: 'USP via Axinom /SpekeV2: a CPIX 2.2 request with version="2.2"',
    request: { file: 'usp-cpix-2.2.xml' },
    path: '/SpekeV2',
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', HLS],
        ['playready', [...DASH_AND_HLS, MSS]],
        ['widevine', DASH_AND_HLS],
      ],
      warnings: ['FAIRPLAY_KEY_NOT_CBCS'],
      root: { id: 'test_ch1', version: null },
    },
  },
  {
    name: "AWS SPEKE v2: USP's CPIX 2.2 request keeps AWS's rule (CPIX 2.3 only)",
    request: { file: 'usp-cpix-2.2-no-version.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: { status: 422, code: 'ERR_KEY_SERVICE_UNSUPPORTED_VERSION' },
  },
  {
    name: "Axinom /SpekeV2: seed 004's damaged request, as printed",
    request: { seedSample: '004#1' },
    path: '/SpekeV2',
    headers: V2_HEADERS,
    expected: { status: 400, code: 'ERR_KEY_SERVICE_NOT_XML' },
  },
  {
    name: 'Axinom /Speke: the SPEKE 1.0 sample',
    request: { seed: 'axinomSpekeV1Request' },
    path: '/Speke',
    headers: V1_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', SPEKE_V1_HLS],
        ['playready', ['PSSH', 'speke:protectionHeader']],
        ['widevine', ['PSSH']],
      ],
      warnings: [],
      kids: 'kept',
      root: { id: 'test_ch1', version: null },
    },
  },
  {
    name: 'Axinom /Speke?overrideKeyIds=true: KIDs derived by the server',
    request: { seed: 'axinomSpekeV1Request' },
    path: '/Speke?overrideKeyIds=true',
    headers: V1_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', SPEKE_V1_HLS],
        ['playready', ['PSSH', 'speke:protectionHeader']],
        ['widevine', ['PSSH']],
      ],
      warnings: [],
      kids: 'derived',
    },
  },
  {
    name: 'AWS SPEKE v1 ignores overrideKeyIds',
    request: { seed: 'axinomSpekeV1Request' },
    path: `${AWS_V1}?overrideKeyIds=true`,
    headers: V1_HEADERS,
    expected: {
      status: 200,
      systems: [
        ['fairplay', SPEKE_V1_HLS],
        ['playready', ['PSSH', 'speke:protectionHeader']],
        ['widevine', ['PSSH']],
      ],
      warnings: [],
      kids: 'kept',
    },
  },
  // 7. What SPEKE ignores, and foreign content.
  {
    name: 'SPEKE v2: an UpdateHistoryItem without updateVersion and index',
    request: { file: 'speke-v2-update-history.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [['widevine', ['PSSH']]],
      warnings: ['INCOMPLETE_UPDATE_HISTORY_ITEM'],
      echoes: ['source="packager-7"'],
    },
  },
  {
    name: 'SPEKE v2: foreign attributes and elements are echoed',
    request: { file: 'speke-v2-foreign-elements.xml' },
    path: AWS_V2,
    headers: V2_HEADERS,
    expected: {
      status: 200,
      systems: [['widevine', ['PSSH']]],
      warnings: [],
      echoes: [
        'acme:tenant="blue"',
        'acme:label="main"',
        '<acme:Hint',
        'acme:policy="p1"',
        '<acme:License',
        'server="https://license.example/wv"',
        'acme:tier="gold"',
        '<acme:Trailer',
        'note="kept"',
      ],
    },
  },
  // 8. The AWS specification's samples as printed (DRMSysList, DRMSys) and as meant.
  ...(['003#1', '003#3'] as const).map(
    (sample): CorpusCase => ({
      name: `AWS SPEKE v1: the specification's sample ${sample} as printed, with DRMSysList`,
      request: { seedSample: sample },
      path: AWS_V1,
      headers: V1_HEADERS,
      expected: { status: 422, code: 'ERR_KEY_SERVICE_UNKNOWN_ELEMENT', mentions: 'DRMSysList' },
    }),
  ),
  ...(['awsLiveRequest', 'awsVodRequest'] as const).map(
    (seed): CorpusCase => ({
      name: `AWS SPEKE v1: the specification's ${seed === 'awsLiveRequest' ? 'live' : 'VOD'} sample`,
      request: { seed },
      path: AWS_V1,
      headers: V1_HEADERS,
      expected: {
        status: 200,
        systems: [
          ['aes128', SPEKE_V1_HLS],
          ['fairplay', SPEKE_V1_HLS],
          ['widevine', ['PSSH']],
          ['playready', ['PSSH', 'speke:protectionHeader']],
        ],
        warnings: [],
        kids: 'kept',
        root: { id: 'abc123', version: null },
      },
    }),
  ),
  // PallyCon: every seed request in both API versions, schemes, content ids.
  ...PALLYCON_SEEDS.flatMap(([seed, v1, v2]): CorpusCase[] => [
    {
      name: `PallyCon v1: ${seed}`,
      request: { seed },
      path: '/v1/cpix/pallycon/getKey/{token}',
      expected: { status: 200, systems: v1, warnings: pallyConWarnings(seed), kids: 'derived' },
    },
    {
      name: `PallyCon v2: ${seed}`,
      request: { seed },
      path: '/v2/cpix/pallycon/getKey/{token}',
      expected: { status: 200, systems: v2, warnings: pallyConWarnings(seed), kids: 'derived' },
    },
  ]),
  {
    name: 'PallyCon v2: a cbcs key, with a ProtectionHeader placeholder',
    request: { file: 'pallycon-v2-cbcs.xml' },
    path: '/v2/cpix/pallycon/getKey/{token}',
    expected: {
      status: 200,
      systems: [
        ['widevine', [CPD, 'PSSH']],
        ['playready', [CPD, 'PSSH']],
        ['fairplay', [...HLS, URI]],
      ],
      warnings: ['PLAYREADY_HEADER_4_3', 'PLACEHOLDER_REMOVED_FOR_SCHEME'],
      kids: 'derived',
    },
  },
  ...(
    [
      ['pallycon-v1-numeric-content-id.xml', '42'],
      ['pallycon-v1-channel-content-id.xml', '123-channel'],
    ] as const
  ).map(
    ([file, id]): CorpusCase => ({
      name: `PallyCon v1: content id ${id}, not an XML name, echoed in CPIX@id`,
      request: { file },
      path: '/v1/cpix/pallycon/getKey/{token}',
      expected: {
        status: 200,
        systems: [
          ['widevine', ['PSSH']],
          ['playready', ['PSSH']],
        ],
        warnings: ['ID_NOT_NCNAME'],
        kids: 'derived',
        root: { id, version: null },
      },
    }),
  ),
  {
    name: 'PallyCon v1: a content id of 201 characters',
    request: { file: 'pallycon-v1-content-id-201.xml' },
    path: '/v1/cpix/pallycon/getKey/{token}',
    expected: { status: 422, code: 'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG', mentions: 'at most 200' },
  },
];

/**
 * The warnings of PallyCon's seed requests, the same in both API versions: the live and NCG
 * samples name KIDs that are not their key's ("you can enter any value"); the HLS live samples
 * write FairPlay's children out of order and ask for its inapplicable PSSH and ContentProtectionData.
 */
function pallyConWarnings(seed: SeedName): string[] {
  if (seed === 'pallyConHlsLiveRequest' || seed === 'pallyCon2HlsLiveRequest')
    return ['CHILD_ORDER', 'PLACEHOLDER_REMOVED'];
  if (seed === 'pallyConDashLiveRequest' || seed === 'pallyConHlsVodRequest' || seed === 'pallyCon2DashLiveRequest')
    return ['KID_MAPPED_TO_ONLY_KEY'];
  return [];
}

/** The request body of a case. */
export function corpusBody(request: CorpusRequest): string {
  if ('file' in request) return readFileSync(new URL(request.file, import.meta.url), 'utf8');
  if ('seed' in request) return seedDocument(request.seed);
  return seedSample(request.seedSample);
}

/** The engine request a case's HTTP request stands for, as the front ends build it. */
export function engineRequest(corpusCase: CorpusCase): Omit<KeyServiceRequest, 'tenant' | 'baseUrl'> {
  const [path, query = ''] = corpusCase.path.split('?') as [string, string?];
  const body = corpusBody(corpusCase.request);
  const pallyCon = /^\/v([12])\/cpix\/pallycon\/getKey\//.exec(path);
  if (pallyCon) return { dialect: `pallycon-v${pallyCon[1]}` as Dialect, body };
  const route = SPEKE_ROUTES.find((candidate) => candidate.path === path);
  if (route === undefined) throw new Error(`no SPEKE route ${path}`);
  return {
    dialect: spekeDialectOf(route, corpusCase.headers?.['x-speke-version']),
    body,
    ...spekeRequestOptions(route, query),
  };
}

/** The KIDs of the request's `ContentKey`s, lower-case. */
function requestKids(body: string): string[] {
  return [...body.matchAll(/<(?:\w+:)?ContentKey\b[^>]*?\bkid="([^"]+)"/g)].map((match) => normalizeUuid(match[1]!));
}

/**
 * Checks an HTTP-level answer against a case: status, and for an answer each `DRMSystem`'s
 * elements, the `X-Cpixkit-Warnings` codes, the KIDs, the root and the echoes; for a refusal the
 * code (in `X-Cpixkit-Error` and the body) and what its reason names.
 */
export function expectCorpusAnswer(
  corpusCase: CorpusCase,
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
): void {
  const { expected } = corpusCase;
  expect(status, body.slice(0, 300)).toBe(expected.status);
  if (expected.status !== 200) {
    expect(headers['x-cpixkit-error']).toBe(expected.code);
    expect(body.startsWith(`${expected.code}: `)).toBe(true);
    if (expected.mentions !== undefined) expect(body).toContain(expected.mentions);
    return;
  }
  const shape = answerShape(body);
  expect(shape.drmSystems).toEqual(
    expected.systems.map(([system, elements]) => ({ systemId: SYSTEM_IDS[system], elements: [...elements].sort() })),
  );
  const listed = headers['x-cpixkit-warnings'];
  expect(listed === undefined ? [] : listed.split(', ').sort()).toEqual([...expected.warnings].sort());
  const answered = [...body.matchAll(/<cpix:ContentKey\b[^>]*?\bkid="([^"]+)"/g)].map((match) =>
    normalizeUuid(match[1]!),
  );
  const asked = requestKids(corpusBody(corpusCase.request));
  if (expected.kids === 'kept') expect(answered).toEqual(asked);
  if (expected.kids === 'derived') for (const kid of answered) expect(asked).not.toContain(kid);
  if (expected.root !== undefined) {
    const root = /<cpix:CPIX\b[^>]*>/.exec(body)![0];
    const attribute = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(root)?.[1];
    if (expected.root.id !== undefined) expect(attribute('id')).toBe(expected.root.id);
    if (expected.root.contentId !== undefined) expect(attribute('contentId')).toBe(expected.root.contentId);
    expect(attribute('version') ?? null).toBe(expected.root.version);
  }
  for (const text of expected.echoes ?? []) expect(body).toContain(text);
}
