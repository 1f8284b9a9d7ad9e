import { readFileSync } from 'node:fs';
import { SPEKE_HEARTBEAT_PATH, SPEKE_ROUTES } from '@cpixkit/key-service';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../tsup.config.js';
import { readLambdaSettings } from '../src/environment.js';
import { buildTenant } from '../src/tenant.js';
import { parseTemplate, referencesIn, subVariables, unresolvedReferences } from './cloudformation.js';

const templateText = readFileSync(new URL('../template.yaml', import.meta.url), 'utf8');
const template = parseTemplate(templateText);

// biome-ignore lint/suspicious/noExplicitAny: a parsed CloudFormation template is walked by property names the test asserts on.
type Properties = Record<string, any>;

function resource(name: string, type: string): Properties {
  const found = template.Resources[name];
  expect(found?.Type, `resource ${name}`).toBe(type);
  return found!.Properties as Properties;
}

const functionProperties = resource('SpekeFunction', 'AWS::Serverless::Function');
const apiProperties = resource('SpekeApi', 'AWS::Serverless::Api');
const events = Object.values(functionProperties.Events as Record<string, Properties>);

describe('the CloudFormation reader', () => {
  it('turns short-form intrinsics into their long form', () => {
    const parsed = parseTemplate(
      [
        'Resources:',
        '  A:',
        '    Type: T',
        '    Properties:',
        '      Ref: !Ref P',
        '      Att: !GetAtt B.Arn.Deep',
        '      List: !GetAtt [B, Arn]',
        '      Sub: !Sub "${P}-${B.Arn}-${AWS::Region}-${!Literal}"',
        '      SubMap: !Sub ["${X}-${P}", { X: !Ref B }]',
        '      Join: !Join ["", [!Ref P, !Select [0, !Split [",", "a,b"]]]]',
      ].join('\n'),
    );
    expect(parsed.Resources.A!.Properties).toEqual({
      Ref: { Ref: 'P' },
      Att: { 'Fn::GetAtt': ['B', 'Arn.Deep'] },
      List: { 'Fn::GetAtt': ['B', 'Arn'] },
      Sub: { 'Fn::Sub': '${P}-${B.Arn}-${AWS::Region}-${!Literal}' },
      SubMap: { 'Fn::Sub': ['${X}-${P}', { X: { Ref: 'B' } }] },
      Join: { 'Fn::Join': ['', [{ Ref: 'P' }, { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] }]] },
    });
    expect(subVariables('${P}-${B.Arn}-${AWS::Region}-${!Literal}')).toEqual(['P', 'B.Arn', 'AWS::Region']);
    expect(
      referencesIn(parsed)
        .map((reference) => `${reference.kind}:${reference.name}`)
        .sort(),
    ).toEqual(['Ref:P', 'GetAtt:B', 'GetAtt:B', 'Sub:P', 'Sub:B', 'Sub:AWS::Region', 'Sub:P', 'Ref:B', 'Ref:P'].sort());
  });

  it('reports references to undeclared names', () => {
    const broken = parseTemplate(
      templateText.replace('SecretArn: !Ref KeySeedSecret', 'SecretArn: !Ref KeySeedSecrett'),
    );
    expect(unresolvedReferences(broken).map((reference) => reference.name)).toEqual(['KeySeedSecrett']);
    const brokenSub = parseTemplate(templateText.replace('${SpekeApi}/${StageName}/*/*', '${SpekeApi}/${Stage}/*/*'));
    expect(unresolvedReferences(brokenSub).map((reference) => reference.name)).toEqual(['Stage']);
  });
});

describe('template.yaml', () => {
  it('is a SAM template whose every Ref, GetAtt and Sub names a declared resource, parameter or pseudo parameter', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(referencesIn(template).length).toBeGreaterThan(10);
    expect(unresolvedReferences(template)).toEqual([]);
  });

  it('runs the tsup bundle on Node.js 24, the newest Node.js runtime AWS Lambda offers', async () => {
    expect(functionProperties.Runtime).toBe('nodejs24.x');
    expect(functionProperties.CodeUri).toBe('dist/');
    const [file, exportName] = (functionProperties.Handler as string).split('.') as [string, string];
    const options = (Array.isArray(tsupConfig) ? tsupConfig[0] : tsupConfig) as { entry: Record<string, string> };
    expect(options.entry[file]).toBe('src/index.ts');
    const module = (await import('../src/index.js')) as Record<string, unknown>;
    expect(typeof module[exportName]).toBe('function');
  });

  it('puts every SPEKE route and the heartbeat behind IAM authorisation on the one API', () => {
    expect(apiProperties.Auth.DefaultAuthorizer).toBe('AWS_IAM');
    expect(apiProperties.Auth.InvokeRole).toBe('NONE');
    const expected = [...SPEKE_ROUTES.map((route) => `${route.method} ${route.path}`), `GET ${SPEKE_HEARTBEAT_PATH}`];
    for (const route of expected) {
      const event = events.find((candidate) => `${candidate.Properties.Method} ${candidate.Properties.Path}` === route);
      expect(event, route).toBeDefined();
      expect(event!.Type).toBe('Api');
      expect(event!.Properties.RestApiId).toEqual({ Ref: 'SpekeApi' });
      expect(event!.Properties.Auth, `${route} keeps the default IAM authoriser`).toBeUndefined();
    }
  });

  it('leaves only the signed key-delivery route without IAM', () => {
    const open = events.filter((event) => event.Properties.Auth !== undefined);
    expect(open).toHaveLength(1);
    expect(open[0]!.Properties).toMatchObject({
      Path: '/keys/{tenantId}/{kid}',
      Method: 'GET',
      Auth: { Authorizer: 'NONE' },
      RestApiId: { Ref: 'SpekeApi' },
    });
    expect(events).toHaveLength(SPEKE_ROUTES.length + 2);
  });

  it('creates the role MediaPackage and MediaConvert assume, allowed to invoke only this API', () => {
    const role = resource('SpekeInvokeRole', 'AWS::IAM::Role');
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect([...trust.Principal.Service].sort()).toEqual(['mediaconvert.amazonaws.com', 'mediapackage.amazonaws.com']);
    const statements = role.Policies.flatMap((policy: Properties) => policy.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
    const arn = statements[0].Resource['Fn::Sub'] as string;
    expect(arn).toMatch(
      /^arn:\$\{AWS::Partition\}:execute-api:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{SpekeApi\}\/\$\{StageName\}\//,
    );
    expect(template.Outputs).toHaveProperty('SpekeRoleArn.Value', { 'Fn::GetAtt': ['SpekeInvokeRole', 'Arn'] });
  });

  it('lets the services assume the role only for the trusted account and its resources (no confused deputy)', () => {
    const [trust] = resource('SpekeInvokeRole', 'AWS::IAM::Role').AssumeRolePolicyDocument.Statement;
    const account = { 'Fn::If': ['SourceAccountGiven', { Ref: 'TrustedSourceAccount' }, { Ref: 'AWS::AccountId' }] };
    expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': account });
    const [condition, given, fallback] = trust.Condition.ArnLike['aws:SourceArn']['Fn::If'];
    expect([condition, given]).toEqual(['SourceArnsGiven', { Ref: 'TrustedSourceArns' }]);
    expect(fallback).toEqual([
      { 'Fn::Sub': ['arn:${AWS::Partition}:mediapackage*:*:${Account}:*', { Account: account }] },
      { 'Fn::Sub': ['arn:${AWS::Partition}:mediaconvert:*:${Account}:*', { Account: account }] },
    ]);
    const parameters = template.Parameters as Record<string, Properties>;
    expect(parameters.TrustedSourceAccount).toMatchObject({ Type: 'String', Default: '' });
    expect(parameters.TrustedSourceArns).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(new RegExp(`^${parameters.TrustedSourceAccount!.AllowedPattern}$`).test('123456789012')).toBe(true);
    expect(new RegExp(`^${parameters.TrustedSourceAccount!.AllowedPattern}$`).test('12345')).toBe(false);
    expect(Object.keys(template.Conditions ?? {}).sort()).toEqual(['SourceAccountGiven', 'SourceArnsGiven']);
  });

  it('generates the key seed in Secrets Manager, keeps it, and lets only the function read it', () => {
    const secret = resource('KeySeedSecret', 'AWS::SecretsManager::Secret');
    expect(template.Resources.KeySeedSecret).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(secret.GenerateSecretString).toMatchObject({ GenerateStringKey: 'keySeed', ExcludePunctuation: true });
    expect(functionProperties.Environment.Variables.CPIXKIT_SECRET_ARN).toEqual({ Ref: 'KeySeedSecret' });
    expect(functionProperties.Policies).toContainEqual({
      AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'KeySeedSecret' } },
    });
  });

  it('generates a key seed the engine accepts', () => {
    const { PasswordLength: length } = resource('KeySeedSecret', 'AWS::SecretsManager::Secret').GenerateSecretString;
    const settings = readLambdaSettings({ CPIXKIT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' });
    const alphanumeric = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    fc.assert(
      fc.property(fc.string({ unit: alphanumeric, minLength: length, maxLength: length }), (keySeed) => {
        expect(buildTenant(settings, { keySeed }).keySeed.length).toBeGreaterThanOrEqual(30);
      }),
      { numRuns: 50 },
    );
  });

  it('sets only variables the function reads, and each parameter value gives a valid tenant', () => {
    const parameters = template.Parameters as Record<string, Properties>;
    const variables = functionProperties.Environment.Variables as Record<string, unknown>;
    const env = (override: Record<string, string> = {}) =>
      Object.fromEntries(
        Object.entries(variables).map(([name, value]) => {
          const ref = (value as { Ref?: string }).Ref!;
          if (ref === 'KeySeedSecret') return [name, 'arn:aws:secretsmanager:eu-west-1:1:secret:x'];
          return [name, override[ref] ?? String(parameters[ref]!.Default)];
        }),
      );
    expect(() => readLambdaSettings(env())).not.toThrow();
    const keySeed = 'A'.repeat(64);
    for (const version of parameters.PlayReadyHeaderVersion!.AllowedValues as string[]) {
      expect(() =>
        buildTenant(readLambdaSettings(env({ PlayReadyHeaderVersion: version })), { keySeed }),
      ).not.toThrow();
    }
    const custom = env({
      PlayReadyLaUrl: 'https://pr.example/rightsmanager.asmx',
      PlayReadyLuiUrl: 'https://pr.example/ui',
      TenantId: 'acme',
      TenantSettingsJson: '{"widevine":{"provider":"acme"}}',
    });
    expect(buildTenant(readLambdaSettings(custom), { keySeed })).toMatchObject({
      id: 'acme',
      settings: { playReady: { laUrl: 'https://pr.example/rightsmanager.asmx' }, widevine: { provider: 'acme' } },
    });
  });
});
