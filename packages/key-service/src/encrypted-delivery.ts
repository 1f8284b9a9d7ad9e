import { CpixError, type CpixDocument, encryptContentKeys } from '@cpixkit/cpix-model';
import { KeyServiceError, oneLine } from './errors.js';

/**
 * When the request's `DeliveryDataList` names recipients (their X.509 certificates), the answer's
 * content keys are encrypted for them as CPIX specifies (AES-256-CBC document key wrapped with
 * RSA-OAEP-MGF1P per recipient, and so is the HMAC-SHA512 MAC key), keeping each recipient's `DeliveryData`
 * id and description; otherwise the answer is returned as it is, with plain values.
 *
 * @param minimumRsaKeySize - 2048 for SPEKE (its certificates are 2048-bit), 3072 elsewhere.
 * @throws {@link KeyServiceError} 422 `ERR_KEY_SERVICE_INVALID_RECIPIENT` for a certificate that is
 *   not RSA, too small, SHA-1 signed, expired or not a certificate at all.
 */
export function encryptForRecipients(
  answer: CpixDocument,
  request: CpixDocument,
  minimumRsaKeySize: number,
  now: Date,
): CpixDocument {
  const recipients = request.deliveryDataList?.deliveryData ?? [];
  if (recipients.length === 0) return answer;
  try {
    return encryptContentKeys(
      { ...answer, deliveryDataList: { ...request.deliveryDataList, deliveryData: recipients } },
      { certificatePolicy: { minimumRsaKeySize, now } },
    );
  } catch (error) {
    if (!(error instanceof CpixError)) throw error;
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_INVALID_RECIPIENT',
      422,
      `the recipient certificate cannot be used: ${oneLine(error.message)}`,
      { cause: error },
    );
  }
}
