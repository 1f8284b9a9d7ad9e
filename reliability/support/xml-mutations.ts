import fc from 'fast-check';

/** An element of a request as the mutators see it: a qualified name, attributes in order, children. */
export interface XmlNode {
  name: string;
  attributes: [name: string, value: string][];
  children: (XmlNode | string)[];
  /** Elements wrapped around this one, innermost last (kept flat: thousands of levels serialize without recursion). */
  wrappers?: { name: string; depth: number }[];
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|[^<]+/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXmlText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => PREDEFINED[name]!);
}

/**
 * Reads the seed requests into trees (comments, the XML declaration and processing instructions
 * are dropped). Only for the well-formed samples the fuzzer starts from; not a general XML parser.
 */
export function parseSample(xml: string): XmlNode {
  const stack: XmlNode[] = [{ name: '#document', attributes: [], children: [] }];
  for (const match of xml.matchAll(TOKEN)) {
    const [token, closing, opening, attributes, selfClosing] = match;
    const parent = stack[stack.length - 1]!;
    if (token.startsWith('<!--') || token.startsWith('<?')) continue;
    if (closing !== undefined) {
      stack.pop();
    } else if (opening !== undefined) {
      const node: XmlNode = {
        name: opening,
        attributes: [...(attributes ?? '').matchAll(ATTRIBUTE)].map((a) => [
          a[1]!,
          unescapeXmlText(a[2] ?? a[3] ?? ''),
        ]),
        children: [],
      };
      parent.children.push(node);
      if (selfClosing !== '/') stack.push(node);
    } else if (token.trim() !== '' && stack.length > 1) {
      parent.children.push(unescapeXmlText(token));
    }
  }
  const root = stack[0]!.children.find((child): child is XmlNode => typeof child !== 'string');
  if (root === undefined) throw new Error('the sample has no root element');
  return root;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** Writes a tree back as XML (with the declaration), escaping text and attribute values. */
export function serializeTree(root: XmlNode): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const write = (node: XmlNode | string) => {
    if (typeof node === 'string') {
      parts.push(escapeText(node));
      return;
    }
    for (const { name, depth } of node.wrappers ?? []) parts.push(`<${name}>`.repeat(depth));
    parts.push(`<${node.name}`);
    for (const [name, value] of node.attributes) parts.push(` ${name}="${escapeAttribute(value)}"`);
    if (node.children.length === 0) {
      parts.push('/>');
    } else {
      parts.push('>');
      for (const child of node.children) write(child);
      parts.push(`</${node.name}>`);
    }
    for (const { name, depth } of [...(node.wrappers ?? [])].reverse()) parts.push(`</${name}>`.repeat(depth));
  };
  write(root);
  return parts.join('');
}

function cloneTree(node: XmlNode): XmlNode {
  return {
    name: node.name,
    attributes: node.attributes.map(([name, value]) => [name, value]),
    children: node.children.map((child) => (typeof child === 'string' ? child : cloneTree(child))),
    ...(node.wrappers ? { wrappers: node.wrappers.map((wrapper) => ({ ...wrapper })) } : {}),
  };
}

/** Every element with its parent (undefined for the root), in document order. */
function elements(root: XmlNode): { node: XmlNode; parent: XmlNode | undefined }[] {
  const found: { node: XmlNode; parent: XmlNode | undefined }[] = [];
  const walk = (node: XmlNode, parent: XmlNode | undefined) => {
    found.push({ node, parent });
    for (const child of node.children) if (typeof child !== 'string') walk(child, node);
  };
  walk(root, undefined);
  return found;
}

/** A change to the tree; `at`/`to` pick an element modulo the element count, so any mutation applies to any tree. */
export type TreeMutation =
  | { op: 'drop'; at: number }
  | { op: 'duplicate'; at: number; times: number }
  | { op: 'reorder'; at: number; keys: number[] }
  | { op: 'move'; at: number; to: number }
  | { op: 'set-attribute'; at: number; which: number; value: string }
  | { op: 'add-attribute'; at: number; name: string; value: string }
  | { op: 'drop-attribute'; at: number; which: number }
  | { op: 'set-text'; at: number; text: string }
  | { op: 'rename'; at: number; name: string }
  | { op: 'nest'; at: number; depth: number; name: string };

/** A change to the serialized bytes, after the tree mutations. */
export type ByteMutation =
  | { op: 'truncate'; fraction: number }
  | { op: 'splice'; fraction: number; bytes: Uint8Array }
  | { op: 'raw-text'; fraction: number; text: string }
  | { op: 'flip'; fractions: number[] }
  | { op: 'encode'; as: 'utf16le-bom' | 'utf16be-bom' | 'utf16le-no-bom' | 'utf8-double-bom' | 'latin1' };

function applyTree(root: XmlNode, mutation: TreeMutation): XmlNode {
  const all = elements(root);
  const pick = (index: number) => all[index % all.length]!;
  switch (mutation.op) {
    case 'drop': {
      const { node, parent } = pick(mutation.at);
      if (parent) parent.children.splice(parent.children.indexOf(node), 1);
      else if (node.children.length > 0) node.children = [];
      return root;
    }
    case 'duplicate': {
      const { node, parent } = pick(mutation.at);
      if (parent)
        parent.children.splice(
          parent.children.indexOf(node),
          0,
          ...Array.from({ length: mutation.times }, () => cloneTree(node)),
        );
      return root;
    }
    case 'reorder': {
      const { node } = pick(mutation.at);
      const keyed = node.children.map((child, index) => ({
        child,
        key: mutation.keys[index % Math.max(1, mutation.keys.length)] ?? index,
      }));
      node.children = keyed.sort((a, b) => a.key - b.key).map(({ child }) => child);
      return root;
    }
    case 'move': {
      const { node, parent } = pick(mutation.at);
      const target = pick(mutation.to).node;
      if (!parent || elements(node).some((entry) => entry.node === target)) return root;
      parent.children.splice(parent.children.indexOf(node), 1);
      target.children.push(node);
      return root;
    }
    case 'set-attribute': {
      const { node } = pick(mutation.at);
      const attribute = node.attributes[mutation.which % Math.max(1, node.attributes.length)];
      if (attribute) attribute[1] = mutation.value;
      else node.attributes.push(['kid', mutation.value]);
      return root;
    }
    case 'add-attribute': {
      pick(mutation.at).node.attributes.push([mutation.name, mutation.value]);
      return root;
    }
    case 'drop-attribute': {
      const { node } = pick(mutation.at);
      if (node.attributes.length > 0) node.attributes.splice(mutation.which % node.attributes.length, 1);
      return root;
    }
    case 'set-text': {
      const { node } = pick(mutation.at);
      node.children = [...node.children.filter((child) => typeof child !== 'string'), mutation.text];
      return root;
    }
    case 'rename': {
      pick(mutation.at).node.name = mutation.name;
      return root;
    }
    case 'nest': {
      const { node, parent } = pick(mutation.at);
      if (parent) (node.wrappers ??= []).push({ name: mutation.name, depth: mutation.depth });
      return root;
    }
  }
}

function encodeUtf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

function applyBytes(bytes: Buffer, mutation: ByteMutation): Buffer {
  const at = (fraction: number) => Math.floor(fraction * bytes.length);
  switch (mutation.op) {
    case 'truncate':
      return bytes.subarray(0, at(mutation.fraction));
    case 'splice':
      return Buffer.concat([
        bytes.subarray(0, at(mutation.fraction)),
        mutation.bytes,
        bytes.subarray(at(mutation.fraction)),
      ]);
    case 'raw-text':
      return Buffer.concat([
        bytes.subarray(0, at(mutation.fraction)),
        Buffer.from(mutation.text, 'utf8'),
        bytes.subarray(at(mutation.fraction)),
      ]);
    case 'flip': {
      const copy = Buffer.from(bytes);
      for (const fraction of mutation.fractions) if (copy.length > 0) copy[at(fraction) % copy.length]! ^= 0xff;
      return copy;
    }
    case 'encode': {
      const text = bytes.toString('utf8');
      switch (mutation.as) {
        case 'utf16le-bom':
          return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
        case 'utf16be-bom':
          return Buffer.concat([Buffer.from([0xfe, 0xff]), encodeUtf16be(text)]);
        case 'utf16le-no-bom':
          return Buffer.from(text, 'utf16le');
        case 'utf8-double-bom':
          return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), bytes]);
        case 'latin1':
          return Buffer.from(text, 'latin1');
      }
    }
  }
}

/** One fuzz case: a seed request, the route it is sent to, and the mutations applied to it. */
export interface FuzzCase {
  /** Index into the base requests. */
  base: number;
  /** Sent to another dialect's route than its own (index into the dialect list), or its own. */
  route: number | 'own';
  tree: TreeMutation[];
  bytes: ByteMutation[];
}

/** The request body of a case: the base tree, mutated, serialized, then byte-mutated. */
export function caseBody(base: XmlNode, fuzzCase: FuzzCase): Buffer {
  let tree = cloneTree(base);
  for (const mutation of fuzzCase.tree) tree = applyTree(tree, mutation);
  let bytes: Buffer = Buffer.from(serializeTree(tree), 'utf8');
  for (const mutation of fuzzCase.bytes) bytes = applyBytes(bytes, mutation);
  return bytes;
}

const SYSTEM_IDS = [
  'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
  'EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED',
  '9a04f079-9840-4286-ab92-e65be0885f95',
  '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
  '81376844-f976-481e-a84e-cc25d39b0b33',
  '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c',
  '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b',
];
const ELEMENT_NAMES = [
  'cpix:CPIX',
  'cpix:ContentKeyList',
  'cpix:ContentKey',
  'cpix:DRMSystemList',
  'cpix:DRMSystem',
  'cpix:PSSH',
  'cpix:ContentProtectionData',
  'cpix:HLSSignalingData',
  'cpix:URIExtXKey',
  'cpix:ContentKeyPeriodList',
  'cpix:ContentKeyPeriod',
  'cpix:ContentKeyUsageRuleList',
  'cpix:ContentKeyUsageRule',
  'cpix:VideoFilter',
  'cpix:AudioFilter',
  'cpix:BitrateFilter',
  'cpix:LabelFilter',
  'cpix:KeyPeriodFilter',
  'cpix:DeliveryDataList',
  'cpix:DeliveryData',
  'cpix:DeliveryKey',
  'cpix:DocumentKey',
  'cpix:Data',
  'pskc:Secret',
  'pskc:PlainValue',
  'pskc:EncryptedValue',
  'speke:KeyFormat',
  'speke:ProtectionHeader',
  'ContentKey',
  'x:y',
  'unbound:Thing',
  'a',
];
const ATTRIBUTE_NAMES = [
  'kid',
  'systemId',
  'contentId',
  'id',
  'version',
  'index',
  'start',
  'end',
  'periodId',
  'intendedTrackType',
  'commonEncryptionScheme',
  'explicitIV',
  'minPixels',
  'maxPixels',
  'hdr',
  'wcg',
  'minFps',
  'maxFps',
  'minBitrate',
  'maxBitrate',
  'playlist',
  'label',
  'xmlns',
  'xmlns:cpix',
  'xmlns:pskc',
  'xmlns:speke',
  'xml:lang',
  'dependsOnKey',
];

/** Attribute values: realistic, hostile, random text, random Unicode, numbers, base64 and huge. */
const attributeValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc
      .uuid()
      .chain((uuid) => fc.constantFrom(uuid, uuid.toUpperCase(), `{${uuid}}`, uuid.replaceAll('-', ''))),
  },
  { weight: 2, arbitrary: fc.constantFrom(...SYSTEM_IDS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'cenc',
      'cbcs',
      'cens',
      'cbc1',
      'CBCS',
      'VIDEO',
      'AUDIO',
      'ALL',
      'SD',
      'HD',
      'UHD1',
      'UHD2',
      'video',
      '2.3',
      '2.2',
      '2.4',
      '1.0',
      '9.9',
      'master',
      'media',
      'multiVariant',
      'true',
      'false',
      'urn:dashif:org:cpix',
      'urn:ietf:params:xml:ns:keyprov:pskc',
      'urn:aws:amazon:com:speke',
      'http://www.w3.org/2000/09/xmldsig#',
    ),
  },
  { weight: 3, arbitrary: fc.oneof(fc.integer().map(String), fc.bigInt().map(String), fc.double().map(String)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('A', '9', 'é', '\u{1F511}'), fc.integer({ min: 1_000, max: 200_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Text content: base64 (valid and not), random text, huge. */
const textValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64')) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 400_000 }).map((n) => 'QUJD'.repeat(n / 4)) },
);

const index = fc.nat({ max: 10_000 });

/** One structural mutation. */
export const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), at: index }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: index, times: fc.integer({ min: 1, max: 40 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('reorder' as const),
      at: index,
      keys: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const), at: index, to: index }) },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('set-attribute' as const), at: index, which: index, value: attributeValue }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('add-attribute' as const),
      at: index,
      name: fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/)),
      value: attributeValue,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop-attribute' as const), at: index, which: index }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('set-text' as const), at: index, text: textValue }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('rename' as const), at: index, name: fc.constantFrom(...ELEMENT_NAMES) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('nest' as const),
      at: index,
      depth: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 60, max: 5_000 })),
      name: fc.constantFrom('cpix:ContentKeyList', 'cpix:Unknown', 'x'),
    }),
  },
);

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** One byte-level mutation. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), fraction }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('splice' as const),
      fraction,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('raw-text' as const),
      fraction,
      text: fc.constantFrom(
        '<',
        '>',
        '&',
        '"',
        ']]>',
        '<!--',
        '<![CDATA[x',
        '&amp',
        '&#0;',
        '&#xD800;',
        '&unknown;',
        '<?pi x?>',
        '\u0000',
        '\uFFFE',
        '<a:b xmlns:a=""/>',
        '</cpix:CPIX>',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('flip' as const),
      fractions: fc.array(fraction, { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('encode' as const),
      as: fc.constantFrom(
        'utf16le-bom' as const,
        'utf16be-bom' as const,
        'utf16le-no-bom' as const,
        'utf8-double-bom' as const,
        'latin1' as const,
      ),
    }),
  },
);

/** A fuzz case over `baseCount` seed requests and `routeCount` dialect routes. */
export function fuzzCase(baseCount: number, routeCount: number): fc.Arbitrary<FuzzCase> {
  return fc.record({
    base: fc.nat({ max: baseCount - 1 }),
    route: fc.oneof(
      { weight: 9, arbitrary: fc.constant('own' as const) },
      { weight: 1, arbitrary: fc.nat({ max: routeCount - 1 }) },
    ),
    tree: fc.array(treeMutation, { minLength: 0, maxLength: 4 }),
    bytes: fc.oneof(
      { weight: 3, arbitrary: fc.constant<ByteMutation[]>([]) },
      { weight: 1, arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 2 }) },
    ),
  });
}
