import {
  type ContentKeyUsageRule,
  type CpixDocument,
  type CpixWarning,
  describeCertificate,
  type DrmSystem,
  subjectLine,
} from '@cpixkit/cpix-model';
import { findDrmSystem } from '@cpixkit/pssh';
import { secret } from './io.js';
import type { Style } from './style.js';
import { formatTable } from './table.js';
import { toBase64, toHex } from './values.js';

/** A content key in the summary. `hex`/`base64` are `****` without `--show-keys`. */
export interface SummaryContentKey {
  kid: string;
  scheme: string | null;
  /** `explicitIV`, hex. */
  explicitIV: string | null;
  key: { state: 'plain' | 'encrypted' | 'absent'; hex?: string; base64?: string };
}

/** A DRM system entry in the summary. */
export interface SummaryDrmSystem {
  kid: string;
  systemId: string;
  systemName: string | null;
  /** Which signaling the entry carries: `PSSH`, `ContentProtectionData`, `HLS media`, `HLS master`… */
  signaling: string[];
  /** The HLS lines, decoded. */
  hls: Array<{ playlist: string; line: string }>;
}

/** A usage rule in the summary, its filters as short texts. */
export interface SummaryUsageRule {
  kid: string;
  intendedTrackType: string | null;
  periods: string[];
  labels: string[];
  video: string[];
  audio: string[];
  bitrate: string[];
  /** Vendor filters (other namespaces), by element name. */
  other: string[];
}

/** The `--json` output of `cpixkit cpix inspect`. */
export interface CpixSummary {
  version: string | null;
  id: string | null;
  contentId: string | null;
  contentKeys: SummaryContentKey[];
  drmSystems: SummaryDrmSystem[];
  periods: Array<{
    id: string | null;
    index: number | null;
    start: string | null;
    end: string | null;
    label: string | null;
  }>;
  usageRules: SummaryUsageRule[];
  recipients: Array<{
    name: string | null;
    encrypted: boolean;
    certificates: Array<{ subject: string; fingerprint256: string; validTo: string }>;
  }>;
  signatures: number;
  warnings: CpixWarning[];
}

/** Summarises a parsed document; keys in clear are shown only with `showKeys`. */
export function summarise(document: CpixDocument, warnings: CpixWarning[], showKeys: boolean): CpixSummary {
  return {
    version: document.version ?? null,
    id: document.id ?? null,
    contentId: document.contentId ?? null,
    contentKeys: (document.contentKeyList?.contentKeys ?? []).map((key) => {
      const value = key.data?.secret;
      const state = value?.plainValue ? 'plain' : value?.encryptedValue ? 'encrypted' : 'absent';
      return {
        kid: key.kid,
        scheme: key.commonEncryptionScheme ?? null,
        explicitIV: key.explicitIV ? toHex(key.explicitIV) : null,
        key: value?.plainValue
          ? {
              state,
              hex: secret(toHex(value.plainValue), showKeys),
              base64: secret(toBase64(value.plainValue), showKeys),
            }
          : { state },
      };
    }),
    drmSystems: (document.drmSystemList?.drmSystems ?? []).map(summariseDrmSystem),
    periods: (document.contentKeyPeriodList?.contentKeyPeriods ?? []).map((period) => ({
      id: period.id ?? null,
      index: period.index ?? null,
      start: period.start ?? null,
      end: period.end ?? null,
      label: period.label ?? null,
    })),
    usageRules: (document.contentKeyUsageRuleList?.contentKeyUsageRules ?? []).map(summariseRule),
    recipients: (document.deliveryDataList?.deliveryData ?? []).map((data) => ({
      name: data.name ?? null,
      encrypted: data.documentKeys.length > 0,
      certificates: data.deliveryKey.x509Certificates.map((der) => {
        const info = describeCertificate(der);
        return { subject: info.subject, fingerprint256: info.fingerprint256, validTo: info.validTo.toISOString() };
      }),
    })),
    signatures: document.signatures?.length ?? 0,
    warnings,
  };
}

function summariseDrmSystem(system: DrmSystem): SummaryDrmSystem {
  const signaling: string[] = [];
  if (system.pssh) signaling.push('PSSH');
  if (system.contentProtectionData) signaling.push('ContentProtectionData');
  const hls = (system.hlsSignalingData ?? []).map((data) => ({
    playlist: data.playlist ?? 'media',
    line: Buffer.from(data.value).toString('utf8'),
  }));
  for (const { playlist } of hls) signaling.push(`HLS ${playlist}`);
  if (system.uriExtXKey) signaling.push('URIExtXKey');
  if (system.smoothStreamingProtectionHeaderData !== undefined) signaling.push('SmoothStreaming');
  if (system.hdsSignalingData) signaling.push('HDS');
  if (system.speke?.protectionHeader) signaling.push('speke:ProtectionHeader');
  return {
    kid: system.kid,
    systemId: system.systemId,
    systemName: findDrmSystem(system.systemId)?.name ?? null,
    signaling,
    hls,
  };
}

function range(name: string, min: number | undefined, max: number | undefined): string | undefined {
  if (min === undefined && max === undefined) return undefined;
  return `${name} ${min ?? ''}..${max ?? ''}`;
}

function summariseRule(rule: ContentKeyUsageRule): SummaryUsageRule {
  const compact = (items: Array<string | undefined>): string =>
    items.filter((item) => item !== undefined).join(' ') || 'any';
  return {
    kid: rule.kid,
    intendedTrackType: rule.intendedTrackType ?? null,
    periods: (rule.keyPeriodFilters ?? []).map((filter) => filter.periodId),
    labels: (rule.labelFilters ?? []).map((filter) => filter.label),
    video: (rule.videoFilters ?? []).map((filter) =>
      compact([
        range('pixels', filter.minPixels, filter.maxPixels),
        range('fps', filter.minFps, filter.maxFps),
        filter.hdr === undefined ? undefined : `hdr=${String(filter.hdr)}`,
        filter.wcg === undefined ? undefined : `wcg=${String(filter.wcg)}`,
      ]),
    ),
    audio: (rule.audioFilters ?? []).map((filter) =>
      compact([range('channels', filter.minChannels, filter.maxChannels)]),
    ),
    bitrate: (rule.bitrateFilters ?? []).map((filter) => compact([range('bps', filter.minBitrate, filter.maxBitrate)])),
    other: (rule.extensions ?? []).map((xml) => /^<([\w.:-]+)/.exec(xml)?.[1] ?? 'extension'),
  };
}

/** The summary as text: a header line, then one table per part of the document. */
export function renderSummary(summary: CpixSummary, style: Style): string {
  const out: string[] = [];
  const head = [`CPIX ${summary.version ?? '(no version: 2.0/SPEKE v1 style)'}`];
  if (summary.id !== null) head.push(`id ${summary.id}`);
  if (summary.contentId !== null) head.push(`contentId ${summary.contentId}`);
  out.push(style.bold(head.join('  ·  ')));

  const section = (title: string, rows: string[][], header: string[]): void => {
    out.push('', style.bold(`${title} (${rows.length})`));
    if (rows.length > 0)
      out.push(
        ...formatTable([header, ...rows], style.dim)
          .split('\n')
          .map((line) => `  ${line}`),
      );
  };
  section(
    'Content keys',
    summary.contentKeys.map((key) => [
      key.kid,
      key.scheme ?? '-',
      key.explicitIV ?? '-',
      key.key.state === 'plain' ? (key.key.hex ?? '') : key.key.state === 'encrypted' ? 'encrypted' : '-',
    ]),
    ['KID', 'SCHEME', 'EXPLICIT IV', 'KEY'],
  );
  section(
    'DRM systems',
    summary.drmSystems.map((system) => [
      system.kid,
      system.systemName ?? system.systemId,
      system.signaling.join(', ') || '-',
    ]),
    ['KID', 'SYSTEM', 'SIGNALING'],
  );
  if (summary.periods.length > 0) {
    section(
      'Key periods',
      summary.periods.map((period) => [
        period.id ?? '-',
        String(period.index ?? '-'),
        period.start ?? '-',
        period.end ?? '-',
        period.label ?? '-',
      ]),
      ['ID', 'INDEX', 'START', 'END', 'LABEL'],
    );
  }
  section(
    'Usage rules',
    summary.usageRules.map((rule) => [
      rule.kid,
      rule.intendedTrackType ?? '-',
      rule.periods.join(', ') || '-',
      rule.labels.join(', ') || '-',
      rule.video.join('; ') || '-',
      rule.audio.join('; ') || '-',
      rule.bitrate.join('; ') || '-',
      rule.other.join(', ') || '-',
    ]),
    ['KID', 'TRACK TYPE', 'PERIODS', 'LABELS', 'VIDEO', 'AUDIO', 'BITRATE', 'OTHER'],
  );
  if (summary.recipients.length > 0) {
    section(
      'Recipients',
      summary.recipients.flatMap((recipient) =>
        recipient.certificates.map((certificate) => [
          recipient.name ?? '-',
          recipient.encrypted ? 'yes' : 'no (request)',
          subjectLine(certificate),
          certificate.fingerprint256,
          certificate.validTo,
        ]),
      ),
      ['NAME', 'ENCRYPTED', 'SUBJECT', 'SHA-256 FINGERPRINT', 'VALID UNTIL'],
    );
  }
  if (summary.signatures > 0) out.push('', `Signatures: ${summary.signatures} (check them with cpixkit cpix verify)`);
  if (summary.warnings.length > 0) {
    out.push('', style.bold(`Reading warnings (${summary.warnings.length})`));
    for (const warning of summary.warnings)
      out.push(`  ${style.yellow(warning.code)}  ${warning.path}: ${warning.message}`);
  }
  return out.join('\n');
}
