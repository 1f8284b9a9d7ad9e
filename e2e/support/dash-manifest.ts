import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CencFragments } from './cenc-fragments.js';

/** The DRM signalling of a DASH `ContentProtection` element: what a SPEKE answer gives for one system. */
export interface ContentProtectionSignalling {
  systemId: string;
  /** `@value`, e.g. `ClearKey1.0`. */
  value?: string;
  /** The answer's `ContentProtectionData` XML fragment (each element declares its namespace). */
  contentProtectionData?: string;
  /** The answer's `PSSH` box, written as `<cenc:pssh>`. */
  pssh?: Uint8Array;
}

const seconds = (value: number, timescale: number) => `PT${(value / timescale).toFixed(3)}S`;

/**
 * Writes the fragments to `dir` (`init.mp4`, `segment-<n>.m4s`) and a static DASH manifest `manifest.mpd` naming
 * them: the `mp4protection` descriptor with the default KID, then one `ContentProtection` per system, holding the
 * SPEKE answer's signalling as the answer gave it.
 */
export function writeDash(
  dir: string,
  fragments: CencFragments,
  kid: string,
  systems: readonly ContentProtectionSignalling[],
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'init.mp4'), fragments.init);
  fragments.segments.forEach((segment, index) => {
    writeFileSync(join(dir, `segment-${index + 1}.m4s`), segment.bytes);
  });
  const { timescale } = fragments;
  const total = fragments.segments.reduce((sum, segment) => sum + segment.duration, 0);
  const protection = systems.map((system) => {
    const value = system.value === undefined ? '' : ` value="${system.value}"`;
    const pssh =
      system.pssh === undefined ? '' : `<cenc:pssh>${Buffer.from(system.pssh).toString('base64')}</cenc:pssh>`;
    return `      <ContentProtection schemeIdUri="urn:uuid:${system.systemId}"${value}>${system.contentProtectionData ?? ''}${pssh}</ContentProtection>`;
  });
  const timeline = fragments.segments.map((segment) => `          <S t="${segment.start}" d="${segment.duration}"/>`);
  const manifest = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" type="static" profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S" mediaPresentationDuration="${seconds(total, timescale)}">`,
    '  <Period id="0" start="PT0S">',
    '    <AdaptationSet contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">',
    `      <ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="${kid}"/>`,
    ...protection,
    `      <Representation id="video" bandwidth="400000" codecs="${fragments.codecs}" width="${fragments.width}" height="${fragments.height}">`,
    `        <SegmentTemplate timescale="${timescale}" initialization="init.mp4" media="segment-$Number$.m4s" startNumber="1">`,
    '          <SegmentTimeline>',
    ...timeline,
    '          </SegmentTimeline>',
    '        </SegmentTemplate>',
    '      </Representation>',
    '    </AdaptationSet>',
    '  </Period>',
    '</MPD>',
  ].join('\n');
  const path = join(dir, 'manifest.mpd');
  writeFileSync(path, `${manifest}\n`);
  return path;
}
