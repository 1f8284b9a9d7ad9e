import { once } from 'node:events';
import { destination } from 'pino';

/** Where the server writes its log lines when no stream is given (see {@link openLogDestination}). */
export interface LogDestination {
  /** The pino destination the logger writes to. */
  stream: ReturnType<typeof destination>;
  /** Writes every line still queued; resolves once they are all handed to the system. */
  flush(): Promise<void>;
}

/**
 * Opens pino's asynchronous destination on a file (stdout when `file` is absent). A line costs the
 * request only its copy into a queue: the write to the system happens off the request path, and
 * the lines queued while one write is in flight go out together in the next one. Nothing is held
 * back waiting for more, so an idle server's lines appear at once. `flush` (on close) and pino's
 * own exit handler write what is still queued, so that no line is lost on a graceful stop.
 */
export function openLogDestination(file?: string): LogDestination {
  const stream = destination({ dest: file ?? 1, sync: false });
  const ready = once(stream, 'ready');
  return {
    stream,
    async flush() {
      await ready;
      stream.flushSync();
    },
  };
}
