import { Agent, type Dispatcher } from 'undici';
import { type ClientAuth, checkAuth, httpRequestOf, secretsOf } from './endpoint.js';
import { CpixClientError } from './errors.js';
import { buildKeyRequest, CPIX_DIALECTS, type CpixDialect, type KeyRequest } from './request.js';
import { type ReadKeyResponseOptions, readKeyResponse } from './response.js';
import type { ContentKeysResult } from './results.js';
import { type Environment, resolveSigV4, signSigV4 } from './sigv4.js';
import { type RetryOptions, sendWithRetries } from './transport.js';

/** TLS settings for the key server connection, applied through an undici `Agent`. */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM: for servers with a private or self-signed certificate. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** Verify the server certificate (default true). Turning this off is for tests only. */
  rejectUnauthorized?: boolean;
  /** Server name for SNI and certificate verification, when it differs from the URL's host. */
  servername?: string;
}

/** Options of {@link CpixClient}. */
export interface CpixClientOptions {
  /**
   * The key server endpoint: `https://host/speke/v1.0/copyProtection`, an API Gateway URL,
   * `https://kms.pallycon.com/v2/cpix/pallycon/getKey/` (the token is appended),
   * `https://kms.pallycon.com/cpix/anevia` (`/{format}/{token}/{cid}` appended), or a template with
   * `{enc-token}`, `{contentId}` and `{format}` placeholders.
   */
  url: string;
  dialect: CpixDialect;
  auth?: ClientAuth;
  /** Extra request headers (names are lower-cased; they override the client's own). */
  headers?: Record<string, string>;
  /** Time allowed for each attempt, answer included. Default 30000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Custom CA, client certificate: an undici `Agent` is created for them. */
  tls?: TlsOptions;
  /** An undici dispatcher of your own (proxy, pool settings); exclusive with `tls`. */
  dispatcher?: Dispatcher;
  /** The fetch to use; default the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Largest answer accepted, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  /** Private key for answers whose content keys are encrypted for `recipientCertificate`. */
  privateKey?: ReadKeyResponseOptions['privateKey'];
  /** SPEKE servers that override KIDs (Axinom `overrideKeyIds`, cpixkit `kidPolicy: derive`): match keys by track type and period. */
  serverAssignsKids?: boolean;
  /** Where SigV4 credentials and region are read when `auth` leaves them out. Default `process.env`. */
  env?: Environment;
}

/** Per-call options of {@link CpixClient.requestKeys}. */
export interface RequestKeysOptions {
  /** Aborts the request, its retries and waits. */
  signal?: AbortSignal;
}

/**
 * A CPIX/SPEKE client for one key server: builds the request for the dialect, sends it (timeouts,
 * retries with backoff, TLS options, Bearer/Basic/enc-token/SigV4 authentication), reads and
 * checks the answer, and returns the keys with their signalling.
 */
export class CpixClient {
  private readonly options: CpixClientOptions;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;

  constructor(options: CpixClientOptions) {
    if (options === null || typeof options !== 'object') {
      throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'CpixClient needs an options object');
    }
    if (!CPIX_DIALECTS.includes(options.dialect)) {
      throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', `dialect must be one of ${CPIX_DIALECTS.join(', ')}`);
    }
    if (typeof options.url !== 'string' || options.url === '') {
      throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'url must be a non-empty string');
    }
    checkAuth(options.auth);
    if (options.tls !== undefined && options.dispatcher !== undefined) {
      throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'give either tls or dispatcher, not both');
    }
    this.options = { ...options };
    this.ownsDispatcher = options.tls !== undefined;
    this.dispatcher = options.tls !== undefined ? new Agent({ connect: { ...options.tls } }) : options.dispatcher;
  }

  /** Requests content keys and signalling for one content id. */
  async requestKeys(request: KeyRequest, callOptions: RequestKeysOptions = {}): Promise<ContentKeysResult> {
    const { options } = this;
    const prepared = buildKeyRequest(request, options.dialect);
    const http = httpRequestOf(options.url, prepared, options.auth, options.headers);
    const auth = options.auth;
    const sigV4 = auth?.type === 'aws-sigv4' ? resolveSigV4(auth, http.url, options.env ?? process.env) : undefined;
    const secrets = [
      ...secretsOf(auth),
      ...(sigV4 ? [sigV4.secretAccessKey, ...(sigV4.sessionToken ? [sigV4.sessionToken] : [])] : []),
    ];

    const response = await sendWithRetries(http, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(callOptions.signal !== undefined ? { signal: callOptions.signal } : {}),
      ...(this.dispatcher !== undefined ? { dispatcher: this.dispatcher } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
      ...(sigV4 ? { sign: (unsigned) => signSigV4(unsigned, sigV4) } : {}),
      secrets,
    });

    const result = await readKeyResponse(response.body, prepared, {
      ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
      ...(options.serverAssignsKids !== undefined ? { serverAssignsKids: options.serverAssignsKids } : {}),
      secrets,
    });
    const spekeVersion = response.headers.get('x-speke-version');
    const userAgent = response.headers.get('x-speke-user-agent') ?? response.headers.get('speke-user-agent');
    return {
      ...result,
      ...(spekeVersion ? { spekeVersion } : {}),
      ...(userAgent ? { serverUserAgent: userAgent } : {}),
      attempts: response.attempts,
    };
  }

  /** Closes the connection pool the client created for its `tls` options (a `dispatcher` you passed stays open). */
  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcher) await this.dispatcher.close();
  }
}
