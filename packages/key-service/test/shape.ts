import { type CpixDocument, type DrmSystem, parseCpix } from '@cpixkit/cpix-model';
import { normalizeUuid } from '@cpixkit/pssh';

/** The structure of a CPIX document without its values: which elements and attributes are there. */
export interface CpixShape {
  root: string[];
  contentKeys: { attributes: string[]; value: 'plain' | 'encrypted' | 'none' }[];
  drmSystems: { systemId: string; elements: string[] }[];
  periods: { id: string | undefined; index: number | undefined }[] | undefined;
  rules: { intendedTrackType: string | undefined; filters: string[] }[] | undefined;
}

function elements(system: DrmSystem): string[] {
  const names: string[] = [];
  if (system.pssh !== undefined) names.push('PSSH');
  if (system.contentProtectionData !== undefined) names.push('ContentProtectionData');
  if (system.uriExtXKey !== undefined) names.push('URIExtXKey');
  for (const hls of system.hlsSignalingData ?? []) names.push(`HLSSignalingData[${hls.playlist ?? 'media'}]`);
  if (system.smoothStreamingProtectionHeaderData !== undefined) names.push('SmoothStreamingProtectionHeaderData');
  for (const name of Object.keys(system.speke ?? {})) names.push(`speke:${name}`);
  return names.sort();
}

/** The shape of a parsed document. */
export function shapeOf(document: CpixDocument): CpixShape {
  const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules;
  return {
    root: (['id', 'contentId', 'version'] as const).filter((name) => document[name] !== undefined),
    contentKeys: (document.contentKeyList?.contentKeys ?? []).map((key) => ({
      attributes: (['kid', 'explicitIV', 'commonEncryptionScheme'] as const).filter((name) => key[name] !== undefined),
      value:
        key.data?.secret?.plainValue !== undefined
          ? 'plain'
          : key.data?.secret?.encryptedValue !== undefined
            ? 'encrypted'
            : 'none',
    })),
    drmSystems: (document.drmSystemList?.drmSystems ?? []).map((system) => ({
      systemId: normalizeUuid(system.systemId),
      elements: elements(system),
    })),
    periods: document.contentKeyPeriodList?.contentKeyPeriods.map(({ id, index }) => ({ id, index })),
    rules: rules?.map((rule) => ({
      intendedTrackType: rule.intendedTrackType,
      filters: [
        ...(rule.keyPeriodFilters ?? []).map(() => 'KeyPeriodFilter'),
        ...(rule.videoFilters ?? []).map(() => 'VideoFilter'),
        ...(rule.audioFilters ?? []).map(() => 'AudioFilter'),
      ],
    })),
  };
}

/**
 * Parses a seed's sample response for its shape. Values the documentation elided (`qAUAAAEAAQCeB...A=`)
 * are replaced by a placeholder so that the element still counts; the AWS PDF's broken closing tag
 * `</speke:Protec tionHeader>` is mended.
 */
export function seedShape(xml: string): CpixShape {
  const mended = xml
    .replace(/>([A-Za-z0-9+/=]*\.\.\.[A-Za-z0-9+/=]*)</g, '>AA==<')
    .replace(/<\/speke:\s*Protec\s*tionHeader>/g, '</speke:ProtectionHeader>');
  return shapeOf(parseCpix(mended).document);
}

/** The shape of an answer body. */
export function answerShape(body: string): CpixShape {
  return shapeOf(parseCpix(body).document);
}
