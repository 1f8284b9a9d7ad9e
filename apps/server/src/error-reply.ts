import { bodyTooLarge, type Refusal, refusalOf } from '@cpixkit/key-service';
import { ServerError } from './errors.js';

/** Fastify's own client errors, with the status and reason we answer them with. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: 'the Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, message: 'empty content type' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, message: 'invalid content type' },
  FST_ERR_BAD_URL: { status: 400, message: 'the request URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, message: 'the request does not meet a route constraint' },
};

/**
 * Why a failed request is refused, for anything a handler may throw: the engine's
 * `KeyServiceError` and our `ServerError` keep their status and code; fastify's parser errors
 * become the matching 4xx (an oversized body the engine's 413 refusal); anything else is a 500
 * whose details go only to the log.
 */
export function refusalFor(error: unknown): Refusal {
  const refusal = refusalOf(error);
  if (refusal !== undefined) return refusal;
  if (error instanceof ServerError) return { status: error.status, code: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refusalOf(bodyTooLarge())!;
  if (typeof code === 'string') {
    const known = FASTIFY_CLIENT_ERRORS[code];
    if (known) return { ...known, code: 'ERR_SERVER_BAD_REQUEST' };
    const status = (error as { statusCode?: unknown }).statusCode;
    if (code.startsWith('FST_') && typeof status === 'number' && status >= 400 && status < 500) {
      return { status, code: 'ERR_SERVER_BAD_REQUEST', message: 'the request cannot be read' };
    }
  }
  return { status: 500, code: 'ERR_SERVER_INTERNAL', message: 'internal error' };
}
