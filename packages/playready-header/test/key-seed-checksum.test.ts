// Lives in test/ (outside the package's tsconfig): @cpixkit/key-seed depends on this package, so it cannot be a
// dependency here; vitest resolves it to its source for this end-to-end cross-check.
import { deriveContentKey, parseKeySeed } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { fromBase64, vectorCases } from '../../../tooling/src/fixtures.js';
import { buildWrmHeader, computeKeyChecksum, encodePlayReadyObject, kidToGuidBase64 } from '../src/index.js';

/** The PRO printed in Microsoft's PlayReady Header Specification, §3.6.1 (header 4.0.0.0 example). */
const SPEC_EXAMPLE_PRO =
  'XAMAAAEAAQBSAzwAVwBSAE0ASABFAEEARABFAFIAIAB4AG0AbABuAHMAPQAiAGgAdAB0AHAAOgAvAC8AcwBjAGgAZQBtAGEAcwAuAG0AaQBjAHIAbwBzAG8AZgB0AC4AYwBvAG0ALwBEAFIATQAvADIAMAAwADcALwAwADMALwBQAGwAYQB5AFIAZQBhAGQAeQBIAGUAYQBkAGUAcgAiACAAdgBlAHIAcwBpAG8AbgA9ACIANAAuADAALgAwAC4AMAAiAD4APABEAEEAVABBAD4APABQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsARQBZAEwARQBOAD4AMQA2ADwALwBLAEUAWQBMAEUATgA+ADwAQQBMAEcASQBEAD4AQQBFAFMAQwBUAFIAPAAvAEEATABHAEkARAA+ADwALwBQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsASQBEAD4AcQA1AEgAZwBDAFQAagA0ADAAawBHAGUATgBWAGgAVABIADkARwBlAHgAdwA9AD0APAAvAEsASQBEAD4APABDAEgARQBDAEsAUwBVAE0APgB3ACsATwBaAFYAcgA4AHYAegByAFEAPQA8AC8AQwBIAEUAQwBLAFMAVQBNAD4APABMAEEAXwBVAFIATAA+AGgAdAB0AHAAcwA6AC8ALwBwAHIAbwBmAGYAaQBjAGkAYQBsAHMAaQB0AGUALgBrAGUAeQBkAGUAbABpAHYAZQByAHkALgBtAGUAZABpAGEAcwBlAHIAdgBpAGMAZQBzAC4AdwBpAG4AZABvAHcAcwAuAG4AZQB0AC8AUABsAGEAeQBSAGUAYQBkAHkALwA8AC8ATABBAF8AVQBSAEwAPgA8AEMAVQBTAFQATwBNAEEAVABUAFIASQBCAFUAVABFAFMAPgA8AEkASQBTAF8ARABSAE0AXwBWAEUAUgBTAEkATwBOAD4AOAAuADAALgAxADcAMAA1AC4AMQA5ADwALwBJAEkAUwBfAEQAUgBNAF8AVgBFAFIAUwBJAE8ATgA+ADwALwBDAFUAUwBUAE8ATQBBAFQAVABSAEkAQgBVAFQARQBTAD4APAAvAEQAQQBUAEEAPgA8AC8AVwBSAE0ASABFAEEARABFAFIAPgA=';

describe('key seed and checksum together (Microsoft test key seed)', () => {
  for (const c of vectorCases('playready_checksum').filter((v) => v.inputs.key_seed_b64 !== undefined)) {
    const inputs = c.inputs as { kid: string; kid_le_b64: string; key_seed_b64: string };

    it(`${c.name}: derived key, then the CHECKSUM printed in the spec`, () => {
      const key = deriveContentKey(parseKeySeed(inputs.key_seed_b64), inputs.kid);
      expect(Buffer.from(key).toString('hex')).toBe(c.expected.derived_key_hex);
      expect(kidToGuidBase64(inputs.kid)).toBe(inputs.kid_le_b64);
      expect(computeKeyChecksum(inputs.kid, key)).toBe(c.expected.checksum_b64);
    });

    it(`${c.name}: rebuilds the specification's example PlayReady Object byte for byte`, () => {
      const key = deriveContentKey(fromBase64(inputs.key_seed_b64), inputs.kid);
      const wrmHeader = buildWrmHeader({
        version: '4.0.0.0',
        keys: [{ kid: inputs.kid, key }],
        laUrl: 'https://profficialsite.keydelivery.mediaservices.windows.net/PlayReady/',
        customAttributes: '<IIS_DRM_VERSION>8.0.1705.19</IIS_DRM_VERSION>',
      });
      expect(Buffer.from(encodePlayReadyObject({ wrmHeader })).toString('base64')).toBe(SPEC_EXAMPLE_PRO);
    });
  }
});
