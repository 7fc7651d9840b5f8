import CircuitBreaker from 'opossum';
import { AppError } from '../errors/app-error.js';

export interface ProviderHttpPolicy {
  timeoutMs: number;
  /** Extra attempts for calls marked safe to repeat. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The circuit opens when this % of calls in the rolling window failed (with at least `volumeThreshold` calls)… */
  errorThresholdPercentage: number;
  volumeThreshold: number;
  /** …and stays open this long before one trial call. */
  resetTimeoutMs: number;
}

export const DEFAULT_PROVIDER_HTTP_POLICY: Omit<ProviderHttpPolicy, 'timeoutMs'> = {
  retries: 2,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 20,
  resetTimeoutMs: 10_000,
};

export interface ProviderCall {
  /** For logs and messages: `requesttopay`, `token`, … */
  operation: string;
  url: string;
  init: RequestInit;
  /**
   * Safe to send again: a read, or a write whose provider reference was committed first (the
   * provider then deduplicates). Anything else is sent exactly once.
   */
  idempotent?: boolean;
}

/** A 5xx (or 429) answer, thrown inside the breaker so that it counts as a failure there. */
class FailedAnswer extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

type Log = (fields: Record<string, unknown>, message: string) => void;

/** Seconds of a Retry-After header (delta or HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full jitter (AWS): a random wait up to the exponential cap, so retrying clients do not march in step. */
export function backoffMs(attempt: number, policy: Pick<ProviderHttpPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/**
 * The one way Gatehouse calls a provider: a timeout on every attempt, redirects never followed,
 * retries with backoff and jitter only for calls marked idempotent (honouring Retry-After), and a
 * circuit breaker per provider (opossum) that answers 503 PROVIDER_UNAVAILABLE at once while the
 * provider keeps failing, instead of piling up timeouts. Non-2xx answers are returned for the
 * client to interpret (a 4xx is the provider's word, not a failure of the provider).
 */
export class ProviderHttp {
  private readonly breaker: CircuitBreaker<[ProviderCall], Response>;

  constructor(
    readonly provider: string,
    private readonly policy: ProviderHttpPolicy,
    private readonly warn: Log = () => undefined,
  ) {
    this.breaker = new CircuitBreaker((call: ProviderCall) => this.attempt(call), {
      // Our own AbortSignal times each attempt out; the breaker's timer would only duplicate it.
      timeout: false,
      errorThresholdPercentage: policy.errorThresholdPercentage,
      volumeThreshold: policy.volumeThreshold,
      resetTimeout: policy.resetTimeoutMs,
      rollingCountTimeout: 10_000,
      // Only counts decide; latency percentiles would be an array kept and summed per call.
      rollingPercentilesEnabled: false,
      name: provider,
    });
    this.breaker.on('open', () => this.warn({ provider }, 'provider circuit opened: calls are refused for a while'));
    this.breaker.on('close', () => this.warn({ provider }, 'provider circuit closed again'));
  }

  get isOpen(): boolean {
    return this.breaker.opened;
  }

  async send(call: ProviderCall): Promise<Response> {
    const attempts = call.idempotent ? this.policy.retries + 1 : 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.breaker.fire(call);
      } catch (err) {
        const last = attempt + 1 >= attempts;
        if (err instanceof FailedAnswer) {
          if (last) return err.response;
          await this.pause(attempt, err.response.headers.get('retry-after'));
          continue;
        }
        if (this.breaker.opened && !(err instanceof AppError)) {
          throw new AppError('PROVIDER_UNAVAILABLE', `${this.provider} is failing; calls are paused for a few seconds.`, {
            headers: { 'Retry-After': String(Math.ceil(this.policy.resetTimeoutMs / 1000)) },
            cause: err,
          });
        }
        if (last || !(err instanceof AppError)) throw err;
        await this.pause(attempt, null);
      }
    }
  }

  private async pause(attempt: number, retryAfter: string | null): Promise<void> {
    const asked = retryAfterMs(retryAfter);
    // A Retry-After longer than we would wait anyway is the provider saying "not now": give up early.
    const wait = asked !== undefined ? Math.min(asked, this.policy.maxDelayMs) : backoffMs(attempt, this.policy);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private async attempt(call: ProviderCall): Promise<Response> {
    let response: Response;
    try {
      // Never follow a provider's redirect: it could carry our credentials somewhere else.
      response = await fetch(call.url, { ...call.init, redirect: 'manual', signal: AbortSignal.timeout(this.policy.timeoutMs) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      this.warn({ provider: this.provider, operation: call.operation, timedOut }, 'provider call failed');
      throw new AppError(
        timedOut ? 'PROVIDER_TIMEOUT' : 'PROVIDER_ERROR',
        timedOut ? `${this.provider} did not answer ${call.operation} in time.` : `${this.provider} could not be reached for ${call.operation}.`,
        { cause: err },
      );
    }
    if (response.status >= 500 || response.status === 429) throw new FailedAnswer(response);
    return response;
  }
}
