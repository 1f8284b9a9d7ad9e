import { ServerError } from './errors.js';

/** Host names a server on a loopback address answers for when given no public URL nor allowed hosts. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Whether a listening address or host name is a loopback one. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), lower case; `undefined` when malformed. */
export function hostNameOf(host: string): string | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(host);
  return match?.[1]?.toLowerCase();
}

/**
 * The origin (`protocol://host`) a request's key-delivery URLs start with: `publicUrl` when set;
 * otherwise the request's own, provided its `Host` names one of `allowedHosts` (compared by host
 * name, any port). A missing or other Host is refused, so that no client can point key URLs at a
 * server of its choosing.
 *
 * @throws {@link ServerError} `ERR_SERVER_BAD_HOST` (400).
 */
export function originOf(
  request: { protocol: string; host: string },
  publicUrl: string | undefined,
  allowedHosts: readonly string[],
): string {
  if (publicUrl !== undefined) return publicUrl;
  const name = hostNameOf(request.host);
  if (name === undefined || !allowedHosts.includes(name)) {
    throw new ServerError(
      'ERR_SERVER_BAD_HOST',
      400,
      request.host === ''
        ? 'the request names no Host'
        : 'the Host header names no host this server answers for (CPIXKIT_PUBLIC_URL, CPIXKIT_ALLOWED_HOSTS)',
    );
  }
  return `${request.protocol}://${request.host}`;
}
