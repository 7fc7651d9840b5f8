import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveAllowed, type TargetPolicy } from './webhook-target.policy.js';

export interface SendResult {
  /** The HTTP status, or null when there was no answer (refused, timeout, bad target). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one webhook. The host is resolved and checked here, and the socket connects to exactly
 * the checked address (a `lookup` that hands back what was checked), so DNS rebinding cannot
 * redirect a delivery inward. Redirects are not followed: a 3xx is a failed attempt.
 */
export async function sendWebhook(target: string, headers: Record<string, string>, body: string, policy: TargetPolicy, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): SendResult => ({ status, error, durationMs: Math.round(performance.now() - started) });
  const url = new URL(target);
  const resolved = await resolveAllowed(url.hostname, policy);
  if (typeof resolved === 'string') return done(null, `target ${resolved}`);
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, resolved);
    else callback(null, resolved[0].address, resolved[0].family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        response.resume(); // the body is not ours to keep
        response.on('end', () => resolve(done(response.statusCode ?? null, null)));
        response.on('error', () => resolve(done(response.statusCode ?? null, null)));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (err) => resolve(done(null, err.message.slice(0, 200))));
    request.end(body);
  });
}
