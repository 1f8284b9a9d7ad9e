import type { PrivateKeyInput } from '@cpixkit/cpix-model';
import { CliError } from './errors.js';
import { readFile, readSecret } from './io.js';

/** The private key options of `cpix decrypt` and `cpix sign`. */
export interface PrivateKeyOptions {
  /** PEM private key file (PKCS#1 or PKCS#8, unencrypted). */
  privateKey?: string;
  /** PKCS#12 (.p12/.pfx) file. */
  pkcs12?: string;
  /** PKCS#12 password: the text, `@file` or `env:NAME`. */
  password?: string;
}

/** The private key to hand to cpix-model: a PEM text or a PKCS#12 file with its password. */
export function privateKeyInput(options: PrivateKeyOptions): PrivateKeyInput {
  if ((options.privateKey === undefined) === (options.pkcs12 === undefined)) {
    throw new CliError('ERR_CLI_USAGE', 'give either --private-key <pem file> or --pkcs12 <file> (with --password)');
  }
  if (options.privateKey !== undefined) {
    if (options.password !== undefined)
      throw new CliError('ERR_CLI_USAGE', '--password goes with --pkcs12 (PEM keys must be unencrypted)');
    return readFile(options.privateKey).bytes.toString('utf8');
  }
  return {
    pkcs12: Uint8Array.from(readFile(options.pkcs12!).bytes),
    password: options.password === undefined ? '' : readSecret(options.password, '--password'),
  };
}
