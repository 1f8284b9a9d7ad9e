import {
  type CertificateInput,
  decryptContentKeys,
  encryptContentKeys,
  parseCpix,
  serializeCpix,
} from '@cpixkit/cpix-model';
import { emitDocument, hasPlainKeys, readCpixInput, writeVersionOf } from '../cpix-document.js';
import { summarise, renderSummary } from '../cpix-summary.js';
import { privateKeyInput, type PrivateKeyOptions } from '../credentials.js';
import { CliError } from '../errors.js';
import { readFile, writeJson, writeResult } from '../io.js';
import { stdoutStyle } from '../style.js';
import { parseIndex } from '../values.js';

/** Options of `cpixkit cpix inspect`. */
export interface CpixInspectOptions {
  json?: boolean;
  showKeys?: boolean;
}

/** `cpixkit cpix inspect <file>`: keys, DRM systems, periods, usage rules, recipients, signatures. */
export async function cpixInspect(argument: string, options: CpixInspectOptions): Promise<void> {
  const input = await readCpixInput(argument);
  const { document, warnings } = parseCpix(input.xml);
  const summary = summarise(document, warnings, options.showKeys === true);
  if (options.json) writeJson(summary);
  else writeResult(renderSummary(summary, stdoutStyle()));
}

/** Options of `cpixkit cpix decrypt`. */
export interface CpixDecryptOptions extends PrivateKeyOptions {
  out?: string;
  xml?: boolean;
  json?: boolean;
  showKeys?: boolean;
}

/**
 * `cpixkit cpix decrypt <file>`: opens the content keys with the recipient's private key (PEM or PKCS#12).
 * Prints the summary (keys as `****` unless `--show-keys`); `--out` writes the decrypted document, `--xml`
 * prints it (only with `--show-keys`, since it holds the keys in clear).
 */
export async function cpixDecrypt(argument: string, options: CpixDecryptOptions): Promise<void> {
  const input = await readCpixInput(argument);
  const privateKey = privateKeyInput(options);
  const { document, warnings } = parseCpix(input.xml);
  const decrypted = await decryptContentKeys(document, { privateKey });
  if (options.out !== undefined || options.xml) {
    const xml = serializeCpix(decrypted, { version: writeVersionOf(decrypted), unrepresentable: 'keep' });
    emitDocument(xml, true, options);
    if (options.out === undefined) return;
  }
  const summary = summarise(decrypted, warnings, options.showKeys === true);
  if (options.json) writeJson(summary);
  else writeResult(renderSummary(summary, stdoutStyle()));
}

/** Options of `cpixkit cpix encrypt`. */
export interface CpixEncryptOptions {
  recipient?: string[];
  minRsaBits?: string;
  out?: string;
}

/**
 * `cpixkit cpix encrypt <file>`: encrypts every clear content key for the recipients' certificates (or for
 * the certificates of a request's DeliveryData). The result holds no key in clear, so it goes to stdout.
 */
export async function cpixEncrypt(argument: string, options: CpixEncryptOptions): Promise<void> {
  const input = await readCpixInput(argument);
  const { document } = parseCpix(input.xml);
  if (!hasPlainKeys(document))
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', 'the document has no content key in clear to encrypt');
  const recipients: CertificateInput[] | undefined = options.recipient?.map((path) =>
    Uint8Array.from(readFile(path).bytes),
  );
  const encrypted = encryptContentKeys(document, {
    ...(recipients !== undefined && { recipients }),
    ...(options.minRsaBits !== undefined && {
      certificatePolicy: { minimumRsaKeySize: parseIndex(options.minRsaBits, '--min-rsa-bits') },
    }),
  });
  const xml = serializeCpix(encrypted, { version: writeVersionOf(encrypted), unrepresentable: 'keep' });
  emitDocument(xml, false, options);
}
