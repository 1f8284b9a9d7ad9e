import { describeCertificate, parseCpix, subjectLine } from '@cpixkit/cpix-model';
import { signCpix, verifyCpixSignatures } from '@cpixkit/cpix-model/signature';
import type { SIGNATURE_TARGETS } from '../choices.js';
import { emitDocument, hasPlainKeys, readCpixInput } from '../cpix-document.js';
import { privateKeyInput, type PrivateKeyOptions } from '../credentials.js';
import { CliError } from '../errors.js';
import { readFile, writeJson, writeResult } from '../io.js';
import { stdoutStyle } from '../style.js';
import { formatTable } from '../table.js';

/** Options of `cpixkit cpix sign`. */
export interface CpixSignOptions extends PrivateKeyOptions {
  cert?: string;
  target?: (typeof SIGNATURE_TARGETS)[number];
  digest?: 'sha256' | 'sha512';
  out?: string;
  showKeys?: boolean;
}

/**
 * `cpixkit cpix sign <file>`: adds an enveloped XML-DSig signature (the whole document, or one list by
 * `--target`) with the signer's key and certificate. The document is otherwise written back as it came.
 */
export async function cpixSign(argument: string, options: CpixSignOptions): Promise<void> {
  const input = await readCpixInput(argument);
  if (options.cert === undefined) throw new CliError('ERR_CLI_USAGE', '--cert <signer certificate> is required');
  const { document } = parseCpix(input.xml);
  const signed = await signCpix(input.xml, {
    privateKey: privateKeyInput(options),
    certificate: Uint8Array.from(readFile(options.cert).bytes),
    ...(options.target !== undefined && { target: options.target }),
    ...(options.digest !== undefined && { digest: options.digest }),
  });
  emitDocument(signed, hasPlainKeys(document), options);
}

/** Options of `cpixkit cpix verify`. */
export interface CpixVerifyOptions {
  cert?: string;
  json?: boolean;
}

/**
 * `cpixkit cpix verify <file>`: checks every XML-DSig signature against the certificate it carries and,
 * with `--cert`, that the signer is that certificate; `covers` names the parts of the document each
 * valid signature vouches for (`/CPIX`, `/CPIX/ContentKeyList`...). Exit 2 when there is none or one fails.
 */
export async function cpixVerify(argument: string, options: CpixVerifyOptions): Promise<void> {
  const input = await readCpixInput(argument);
  const results = verifyCpixSignatures(input.xml);
  const expected = options.cert === undefined ? undefined : fingerprintOf(readFile(options.cert).bytes);
  const signatures = results.map((result) => {
    const fingerprint = result.certificate?.fingerprint256 ?? null;
    const trusted = expected === undefined || fingerprint === expected;
    return {
      target: result.target,
      covers: result.covers,
      location: result.location,
      valid: result.valid && trusted,
      ...(result.code !== undefined && { code: result.code }),
      ...(result.reason !== undefined && { reason: result.reason }),
      ...(result.valid &&
        !trusted && { code: 'ERR_CLI_SIGNATURE_INVALID', reason: 'signed by another certificate than --cert' }),
      signer: result.certificate
        ? { subject: result.certificate.subject, fingerprint256: result.certificate.fingerprint256 }
        : null,
    };
  });
  if (options.json) {
    writeJson({ valid: signatures.length > 0 && signatures.every((s) => s.valid), signatures });
  } else {
    const style = stdoutStyle();
    const rows = signatures.map((s) => [
      s.valid ? style.green('valid') : style.red('INVALID'),
      s.target,
      s.signer ? subjectLine(s.signer) : '-',
      s.valid ? (s.signer?.fingerprint256 ?? '-') : `${s.code ?? ''} ${s.reason ?? ''}`.trim(),
    ]);
    writeResult(
      signatures.length === 0
        ? 'no signature'
        : formatTable([['RESULT', 'TARGET', 'SIGNER', 'FINGERPRINT / REASON'], ...rows], style.dim),
    );
  }
  if (signatures.length === 0) throw new CliError('ERR_CLI_SIGNATURE_INVALID', 'the document carries no signature');
  const failed = signatures.filter((s) => !s.valid).length;
  if (failed > 0)
    throw new CliError('ERR_CLI_SIGNATURE_INVALID', `${failed} of ${signatures.length} signatures do not verify`);
}

function fingerprintOf(certificate: Buffer): string {
  return describeCertificate(Uint8Array.from(certificate)).fingerprint256;
}
