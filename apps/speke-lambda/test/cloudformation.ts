import { type CollectionTag, parse, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Reading CloudFormation/SAM templates with `yaml`: the short-form intrinsic functions
 * (`!Ref`, `!GetAtt`, `!Sub`, `!Join`, …) become their long JSON form (`{ Ref: … }`,
 * `{ 'Fn::GetAtt': [...] }`, …), and every reference can then be listed and checked.
 */

/** Short-form tags and the long-form key they stand for. */
const INTRINSICS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Transform': 'Fn::Transform',
};

function tagsFor(tag: string, key: string): (ScalarTag | CollectionTag)[] {
  // `!GetAtt A.B` is the short form of `Fn::GetAtt: [A, B]`.
  const fromScalar = (value: string) =>
    key === 'Fn::GetAtt'
      ? { [key]: [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] }
      : { [key]: value };
  return [
    { tag, resolve: fromScalar } satisfies ScalarTag,
    {
      tag,
      collection: 'seq',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: value.toJSON() }),
    } satisfies CollectionTag,
    {
      tag,
      collection: 'map',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: value.toJSON() }),
    } satisfies CollectionTag,
  ];
}

const CUSTOM_TAGS = Object.entries(INTRINSICS).flatMap(([tag, key]) => tagsFor(tag, key));

/** A parsed template: plain JSON values with intrinsic functions in long form. */
export type Template = {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
};

/** Parses a CloudFormation/SAM template written in YAML with short-form intrinsic functions. */
export function parseTemplate(text: string): Template {
  return parse(text, { customTags: CUSTOM_TAGS }) as Template;
}

/** The pseudo parameters CloudFormation defines in every stack. */
export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
] as const;

/** One name a template refers to, and where. */
export interface Reference {
  kind: 'Ref' | 'GetAtt' | 'Sub' | 'Condition';
  /** The parameter, resource or pseudo parameter (for GetAtt and `${A.B}`, the resource). */
  name: string;
  /** Where in the template, as a dotted path. */
  at: string;
}

/** The `${Name}` and `${Name.Attribute}` variables of a `Fn::Sub` string; `${!Literal}` is not one. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((match) => match[1]!.trim());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every Ref, GetAtt, Sub variable and condition name used anywhere in `value`. */
export function referencesIn(value: unknown, at = ''): Reference[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => referencesIn(item, `${at}[${index}]`));
  if (!isObject(value)) return [];
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const argument = value[key];
    if (key === 'Ref' && typeof argument === 'string') return [{ kind: 'Ref', name: argument, at }];
    if (key === 'Condition' && typeof argument === 'string') return [{ kind: 'Condition', name: argument, at }];
    if (key === 'Fn::GetAtt' && Array.isArray(argument) && typeof argument[0] === 'string') {
      return [{ kind: 'GetAtt', name: argument[0], at }, ...referencesIn(argument.slice(1), at)];
    }
    if (key === 'Fn::If' && Array.isArray(argument) && typeof argument[0] === 'string') {
      return [{ kind: 'Condition', name: argument[0], at }, ...referencesIn(argument.slice(1), at)];
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      const local = isObject(variables) ? Object.keys(variables) : [];
      const own = typeof text === 'string' ? subVariables(text) : [];
      return [
        ...own
          .filter((name) => !local.includes(name))
          .map((name): Reference => ({ kind: 'Sub', name: name.includes('::') ? name : name.split('.')[0]!, at })),
        ...referencesIn(variables, `${at}.Fn::Sub`),
      ];
    }
  }
  return keys.flatMap((key) => referencesIn(value[key], at ? `${at}.${key}` : key));
}

/** The references of `template` that name nothing it declares (resource, parameter, condition or pseudo parameter). */
export function unresolvedReferences(template: Template): Reference[] {
  const resources = Object.keys(template.Resources ?? {});
  const parameters = Object.keys(template.Parameters ?? {});
  const conditions = Object.keys(template.Conditions ?? {});
  const pseudo: readonly string[] = PSEUDO_PARAMETERS;
  return referencesIn(template).filter((reference) => {
    switch (reference.kind) {
      case 'Condition':
        return !conditions.includes(reference.name);
      case 'GetAtt':
        return !resources.includes(reference.name);
      default:
        return (
          !resources.includes(reference.name) &&
          !parameters.includes(reference.name) &&
          !pseudo.includes(reference.name)
        );
    }
  });
}
