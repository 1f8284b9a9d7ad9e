import { DRM_SYSTEMS, type DrmSystemKey, findDrmSystem, normalizeUuid, PsshError } from '@cpixkit/pssh';
import { CpixClientError } from './errors.js';

/** A DRM system a request asks signalling for: its lower-case system id, and its short name when cpixkit knows it. */
export interface DrmTarget {
  systemId: string;
  /** `widevine`, `playready`, `fairplay`, `aes128`... for the systems `@cpixkit/pssh` knows. */
  drm?: DrmSystemKey;
  /** Display name (`Widevine`), or the system id for unknown systems. */
  name: string;
}

const BY_KEY = new Map(DRM_SYSTEMS.map((system) => [system.key, system]));

/**
 * Resolves a DRM system given by short name (`widevine`, `playready`, `fairplay`, `aes128`,
 * `wiseplay`... any key of `DRM_SYSTEMS`, case-insensitive) or by system id (any UUID spelling).
 */
export function resolveDrmSystem(nameOrSystemId: string): DrmTarget {
  if (typeof nameOrSystemId !== 'string') {
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      `a DRM system is a name or a system id, got ${typeof nameOrSystemId}`,
    );
  }
  const named = BY_KEY.get(nameOrSystemId.trim().toLowerCase() as DrmSystemKey);
  if (named) return { systemId: named.id, drm: named.key, name: named.name };
  let systemId: string;
  try {
    systemId = normalizeUuid(nameOrSystemId);
  } catch (error) {
    if (!(error instanceof PsshError)) throw error;
    const names = DRM_SYSTEMS.map((system) => system.key).join(', ');
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      `unknown DRM system ${JSON.stringify(nameOrSystemId.slice(0, 64))}: use one of ${names} or a system id`,
      { cause: error },
    );
  }
  const known = findDrmSystem(systemId);
  return known ? { systemId, drm: known.key, name: known.name } : { systemId, name: systemId };
}

/** Resolves a request's DRM systems, refusing an empty list and duplicates. */
export function resolveDrmSystems(namesOrSystemIds: readonly string[]): DrmTarget[] {
  if (!Array.isArray(namesOrSystemIds) || namesOrSystemIds.length === 0) {
    throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'drmSystems must list at least one DRM system');
  }
  const targets = namesOrSystemIds.map(resolveDrmSystem);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.systemId)) {
      throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', `DRM system ${target.name} is listed twice`);
    }
    seen.add(target.systemId);
  }
  return targets;
}
