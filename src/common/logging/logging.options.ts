import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = [
  'authorization', 'cookie', 'password', 'secret', 'token', 'accessToken', 'access_token',
  'refreshToken', 'refresh_token', 'apiKey', 'api_key', 'key', 'adminToken', 'macKey', 'mac_key',
  'privateKey', 'code', 'state', 'clientSecret', 'client_secret', 'subscriptionKey',
];
export const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)];

// A path segment this long and random is a capability token (MoMo's callback URL,
// /callbacks/momo/<token>); ids (UUIDs) are kept.
const TOKEN_SEGMENT = /^[A-Za-z0-9_-]{32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Logs a URL with its query values and path tokens removed: OAuth callbacks carry codes and
 * state in the query, provider callbacks an unguessable token in the path, and no such value is
 * worth the risk.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q))
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) && !UUID.test(segment) ? '[redacted]' : segment))
    .join('/');
  if (q < 0) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  return `${path}?${[...params.keys()].map((k) => `${encodeURIComponent(k)}=[redacted]`).join('&')}`;
}

/** Takes a well-formed `X-Request-Id` from the caller or makes one, and echoes it back. */
export function requestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  req.id = id;
  return id;
}

/** The id of the request being served, for every line logged while serving it. */
export const requestContext = new AsyncLocalStorage<string>();

/** The one pino logger of an app; `configureApp` logs requests through it, Nest's Logger too. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Structured JSON logs with secrets redacted. The request id joins a line through `mixin`, which
 * runs only when a line is written: pino-http's two child loggers per request (each redacting
 * its bindings) cost more CPU than the rest of an authenticated read, logged or not.
 */
export function createRootLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => {
        const id = requestContext.getStore();
        return id === undefined ? {} : { reqId: id };
      },
    },
    destination,
  );
}

/**
 * nestjs-pino on our logger: Nest's Logger writes through it. Its per-request middleware is not
 * mounted (no routes): `requestLogging` gives the request its id and its line.
 */
export function loggingOptions(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}

// Probes poll these every few seconds; a line each would drown the log.
const QUIET_URLS = new Set(['/health', '/health/ready']);

/**
 * First middleware of the app: gives the request its id (echoed as X-Request-Id), runs the rest
 * of the request inside `requestContext`, and writes one line when the response is done: info
 * for 2xx/3xx, warn for 4xx, error for 5xx, warn when the client went away first.
 */
export function requestLogging(logger: Logger) {
  return (req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void): void => {
    const id = requestId(req, res);
    const url = req.url;
    if (!QUIET_URLS.has(url ?? '')) {
      const started = performance.now();
      res.once('close', () => {
        const status = res.statusCode;
        const level = !res.writableFinished ? 'warn' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        if (!logger.isLevelEnabled(level)) return;
        logger[level](
          { req: { id, method: req.method, url: redactUrl(url) }, res: { statusCode: status }, responseTime: Math.round(performance.now() - started) },
          res.writableFinished ? (status >= 500 ? 'request errored' : 'request completed') : 'request aborted',
        );
      });
    }
    requestContext.run(id, next);
  };
}
