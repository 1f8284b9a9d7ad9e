import { COMMON_SYSTEM_ID, encodePsshBox } from '@cpixkit/pssh';

const NO_DATA = new Uint8Array(0);

/**
 * The W3C "Common SystemID and PSSH Box Format" box of a key: a version 1 `pssh` box of system
 * `1077efec-c0b2-4d02-ace3-3c1e52e2fb4b` listing the KID, with no Data (DataSize 0). EME players
 * (ClearKey among them) read the KIDs of `cenc` initialization data from it.
 */
export function commonPsshBox(kid: string): Uint8Array {
  return encodePsshBox({ systemId: COMMON_SYSTEM_ID, version: 1, keyIds: [kid], data: NO_DATA });
}

/** The box as a CPIX/SPEKE v2 `ContentProtectionData` fragment: `<pssh xmlns="urn:mpeg:cenc:2013">…</pssh>`. */
export function commonPsshXml(box: Uint8Array): string {
  return `<pssh xmlns="urn:mpeg:cenc:2013">${Buffer.from(box.buffer, box.byteOffset, box.byteLength).toString('base64')}</pssh>`;
}
