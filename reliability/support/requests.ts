import { seedDocument } from '../../tooling/src/fixtures.js';
import type { HttpExchange } from './http.js';

/** A dialect the fuzzer drives, with how a request of it is sent. */
export type FuzzDialect = 'speke-v1' | 'speke-v2' | 'pallycon-v1' | 'pallycon-v2';

/** A valid request of one dialect: the body the mutations start from. */
export interface BaseRequest {
  name: string;
  dialect: FuzzDialect;
  body: string;
}

/** The valid seed requests of every fuzzed dialect. */
export function baseRequests(): BaseRequest[] {
  return [
    { name: 'SPEKE v1 (AWS live sample)', dialect: 'speke-v1', body: seedDocument('awsLiveRequest') },
    { name: 'SPEKE v1 (Axinom sample)', dialect: 'speke-v1', body: seedDocument('axinomSpekeV1Request') },
    {
      // Axinom's sample asks FairPlay for cenc keys, which the engine refuses; cbcs makes it answerable.
      name: 'SPEKE v2 (Axinom sample, cbcs)',
      dialect: 'speke-v2',
      body: seedDocument('axinomSpekeV2Request').replaceAll(
        'commonEncryptionScheme="cenc"',
        'commonEncryptionScheme="cbcs"',
      ),
    },
    { name: 'PallyCon v1 (DASH VOD sample)', dialect: 'pallycon-v1', body: seedDocument('pallyConDashVodRequest') },
    { name: 'PallyCon v2 (DASH live sample)', dialect: 'pallycon-v2', body: seedDocument('pallyConDashLiveRequest') },
    { name: 'PallyCon v2 (HLS VOD sample)', dialect: 'pallycon-v2', body: seedDocument('pallyConHlsVodRequest') },
    { name: 'PallyCon v2 (HLS live sample)', dialect: 'pallycon-v2', body: seedDocument('pallyConHlsLiveRequest') },
  ];
}

/** The HTTP request that sends `body` in `dialect` for the tenant with `token`. */
export function dialectRequest(dialect: FuzzDialect, token: string, body: string | Uint8Array): HttpExchange {
  switch (dialect) {
    case 'speke-v1':
      return {
        method: 'POST',
        path: '/speke/v1.0/copyProtection',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body,
      };
    case 'speke-v2':
      return {
        method: 'POST',
        path: '/speke/v2.0/copyProtection',
        headers: { authorization: `Bearer ${token}`, 'x-speke-version': '2.0', 'content-type': 'application/xml' },
        body,
      };
    case 'pallycon-v1':
      return {
        method: 'POST',
        path: `/v1/cpix/pallycon/getKey/${encodeURIComponent(token)}`,
        headers: { 'content-type': 'text/xml' },
        body,
      };
    case 'pallycon-v2':
      return {
        method: 'POST',
        path: `/v2/cpix/pallycon/getKey/${encodeURIComponent(token)}`,
        headers: { 'content-type': 'text/xml' },
        body,
      };
  }
}

/** A SPEKE v2 request for one key with Widevine signalling and one video rule, as MediaPackage sends it. */
export function oneKeySpekeV2(kid: string, contentId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX contentId="${contentId}" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
<cpix:ContentKeyList><cpix:ContentKey kid="${kid}" commonEncryptionScheme="cenc"/></cpix:ContentKeyList>
<cpix:DRMSystemList><cpix:DRMSystem kid="${kid}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cpix:PSSH/></cpix:DRMSystem></cpix:DRMSystemList>
<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${kid}" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;
}
