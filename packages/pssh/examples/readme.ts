import assert from 'node:assert/strict';
import {
  decodePsshInput,
  decodeWidevinePsshData,
  encodePsshBox,
  encodeWidevinePsshData,
  findDrmSystem,
  parsePsshBox,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';

// Widevine PSSH as Axinom's SPEKE 2.0 sample carries it: key_id and protection_scheme only.
const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const data = encodeWidevinePsshData({ keyIds: [kid], protectionScheme: 'cenc' });
const box = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
assert.equal(
  Buffer.from(box).toString('base64'),
  'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=',
);

// And back: whatever was pasted (base64 or hex, whole box or payload).
const [parsed] = decodePsshInput(Buffer.from(box).toString('hex')).boxes ?? [];
assert.ok(parsed);
assert.equal(findDrmSystem(parsed.systemId)?.name, 'Widevine');
assert.deepEqual(decodeWidevinePsshData(parsePsshBox(box).data), { keyIds: [kid], protectionScheme: 'cenc' });
