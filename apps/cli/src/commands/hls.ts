import {
  buildAes128KeyLine,
  buildFairPlayKeyLine,
  buildFairPlayUri,
  buildPlayReadyKeyLine,
  buildWidevineKeyLine,
  type HlsEncryptionScheme,
  type HlsKeyLinePlaylist,
} from '@cpixkit/hls-signaling';
import { buildWrmHeader, encodePlayReadyObject } from '@cpixkit/playready-header';
import { encodePsshBox, encodeWidevinePsshData, normalizeUuid, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { CliError } from '../errors.js';
import { writeJson, writeResult } from '../io.js';
import { headerFromOptions, type PlayReadyHeaderOptions } from '../playready-options.js';
import { parseBytes, parseIndex } from '../values.js';

/** DRM names `cpixkit hls --drm` takes. */
export const HLS_DRMS = ['widevine', 'playready', 'fairplay', 'aes128'] as const;

/** One of {@link HLS_DRMS}. */
export type HlsDrm = (typeof HLS_DRMS)[number];

/** Options of `cpixkit hls`. */
export interface HlsOptions extends PlayReadyHeaderOptions {
  drm?: string[];
  scheme?: HlsEncryptionScheme;
  playlist?: HlsKeyLinePlaylist | 'both';
  iv?: string;
  keyUri?: string;
  skd?: string;
  contentId?: string;
  period?: string;
  json?: boolean;
}

/** One line of the `--json` output. */
export interface HlsLineResult {
  drm: HlsDrm;
  kid: string;
  playlist: HlsKeyLinePlaylist;
  line: string;
}

/**
 * `cpixkit hls`: `#EXT-X-KEY` (media playlist) and `#EXT-X-SESSION-KEY` (master playlist) lines per DRM and
 * KID, in the forms key servers emit: Widevine with the whole `pssh` box (KID and protection scheme, as
 * Axinom and AWS do), PlayReady with the PlayReady Object, FairPlay with an `skd://` URI, AES-128 with the key URL.
 */
export function hls(options: HlsOptions): void {
  const drms = checkDrms(options.drm ?? []);
  const kids = (options.kid ?? []).map(normalizeUuid);
  if (kids.length === 0) throw new CliError('ERR_CLI_USAGE', 'give at least one --kid');
  const scheme: HlsEncryptionScheme = options.scheme ?? 'cenc';
  const playlists: HlsKeyLinePlaylist[] =
    options.playlist === 'both' ? ['media', 'master'] : [options.playlist ?? 'media'];
  const iv = options.iv === undefined ? undefined : parseBytes(options.iv, '--iv', 16);
  if (drms.includes('aes128') && options.keyUri === undefined) {
    throw new CliError('ERR_CLI_USAGE', '--drm aes128 needs --key-uri (where players fetch the key)');
  }
  if (drms.includes('playready') && options.key !== undefined && options.key.length > 0 && kids.length > 1) {
    throw new CliError('ERR_CLI_USAGE', '--key with several KIDs is ambiguous for PlayReady lines; use --key-seed');
  }

  const lines: HlsLineResult[] = [];
  for (const playlist of playlists) {
    for (const kid of kids) {
      for (const drm of drms) {
        lines.push({ drm, kid, playlist, line: lineFor(drm, kid, playlist, scheme, iv, options) });
      }
    }
  }
  if (options.json) writeJson({ lines });
  else writeResult(lines.map((entry) => entry.line).join('\n'));
}

function lineFor(
  drm: HlsDrm,
  kid: string,
  playlist: HlsKeyLinePlaylist,
  scheme: HlsEncryptionScheme,
  iv: Uint8Array | undefined,
  options: HlsOptions,
): string {
  switch (drm) {
    case 'widevine': {
      const data = encodeWidevinePsshData({ keyIds: [kid], protectionScheme: scheme });
      return buildWidevineKeyLine({
        pssh: encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data }),
        kid,
        scheme,
        playlist,
      });
    }
    case 'playready': {
      const header = headerFromOptions({ ...options, kid: [kid] }, scheme === 'cbcs' ? { algId: 'AESCBC' } : {});
      const pro = encodePlayReadyObject({ wrmHeader: buildWrmHeader(header) });
      return buildPlayReadyKeyLine({ pro, scheme, playlist });
    }
    case 'fairplay':
      return buildFairPlayKeyLine({ uri: fairPlayUri(kid, iv, options), playlist });
    case 'aes128':
      return buildAes128KeyLine({ uri: options.keyUri!, playlist, ...(iv && { iv }) });
  }
}

/**
 * The `skd://` URI: `--skd` as a template (`skd://{kid}:{ivHex}`, placeholders of `buildFairPlayUri`) or
 * a literal URI; by default `skd://<kid>:<IV>` (Axinom) with `--iv`, else `skd://<base64 KID>` (PallyCon VOD).
 */
function fairPlayUri(kid: string, iv: Uint8Array | undefined, options: HlsOptions): string {
  const { skd, contentId, period } = options;
  if (skd !== undefined) {
    if (!skd.includes('{')) return skd;
    return buildFairPlayUri({
      template: skd,
      kid,
      ...(iv && { iv }),
      ...(contentId !== undefined && { contentId }),
      ...(period !== undefined && { periodIndex: parseIndex(period, '--period') }),
    });
  }
  return iv ? buildFairPlayUri({ form: 'kid-iv', kid, iv }) : buildFairPlayUri({ form: 'kid-base64', kid });
}

function checkDrms(drms: string[]): HlsDrm[] {
  if (drms.length === 0) throw new CliError('ERR_CLI_USAGE', `give --drm, one or more of ${HLS_DRMS.join(', ')}`);
  for (const drm of drms) {
    if (!(HLS_DRMS as readonly string[]).includes(drm)) {
      throw new CliError('ERR_CLI_USAGE', `--drm ${JSON.stringify(drm)} is not one of ${HLS_DRMS.join(', ')}`);
    }
  }
  return [...new Set(drms)] as HlsDrm[];
}
