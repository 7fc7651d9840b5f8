import type { NextFunction, Request, Response } from 'express';

/** What every emulator's journal knows of an incoming wire request, whatever the handlers noted. */
export interface JournalSeen {
  /** When it came in, on the emulator's (virtual) clock. */
  at: string;
  method: string;
  /** The path as sent, without the query. */
  path: string;
  /** The names (never the values) of the query parameters, each once. */
  queryKeys: string[];
  /** False when the connection closed before the answer was sent (seen only with `on: 'close'`). */
  answered: boolean;
  status: number;
  durationMs: number;
}

export interface JournalOptions {
  /** The emulator's control API: not recorded (reading the journal must not change it). */
  controlPrefix: string;
  /** The emulator's clock, for `at`. */
  now: () => number;
  /** `finish`: answered requests only; `close`: also connections dropped on purpose. */
  on: 'finish' | 'close';
  /** Adds the emulator's own fields (from its journal note on `res`) and stores the entry. */
  record: (seen: JournalSeen) => void;
}

/**
 * The body of each emulator's journal middleware: skips control paths, notes the start, and once
 * the connection is done with the request hands what was seen to `record`.
 */
export function journalRequest(req: Request, res: Response, next: NextFunction, options: JournalOptions): void {
  const started = options.now();
  const startedMs = performance.now();
  const [path, query] = req.originalUrl.split('?', 2) as [string, string | undefined];
  if (path.replace(/\/{2,}/g, '/').startsWith(options.controlPrefix)) return next();
  res.on(options.on, () => {
    options.record({
      at: new Date(started).toISOString(),
      method: req.method,
      path,
      queryKeys: [...new Set(new URLSearchParams(query ?? '').keys())],
      answered: res.writableFinished,
      status: res.statusCode,
      durationMs: Math.round(performance.now() - startedMs),
    });
  });
  next();
}
