import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse as parseLossless } from 'lossless-json';
import type { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { PayseraAllowancesService } from './paysera-allowances.service.js';
import { PayseraCallbackRecord } from './paysera-callback.entity.js';
import { PayseraTransactionsService } from './paysera-transactions.service.js';
import { PayseraClient } from './paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';
import { parseEvent } from './paysera.mapper.js';

/** A forged callback must not make us fetch /publickey again and again: at most once a minute. */
const KEY_REFETCH_AFTER_MS = 60_000;
const MAX_SIGNATURE_BYTES = 1024;

export type CallbackOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * Paysera's callbacks (A.9): form fields `event` (raw JSON) and `sign`, base64 RSA-SHA256 (PKCS#1
 * v1.5) over the raw event string, verified with the key from GET /publickey (cached; fetched
 * again once when a signature fails with a key older than a minute, in case Paysera rotated it).
 * Nothing is read from an event before its signature holds; a callback that cannot be verified is
 * refused and logged without its content. Verified events are applied once (by their hash) and
 * only ever move a payment forward.
 */
@Injectable()
export class PayseraCallbacksService {
  private readonly logger = new Logger(PayseraCallbacksService.name);
  private key?: { value: KeyObject; fetchedAt: number };
  private fetching?: Promise<KeyObject>;

  constructor(
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: PayseraClient,
    private readonly transactions: PayseraTransactionsService,
    private readonly allowances: PayseraAllowancesService,
  ) {}

  async receive(raw: Buffer): Promise<CallbackOutcome> {
    const form = new URLSearchParams(raw.toString('utf8'));
    const event = form.get('event');
    const sign = form.get('sign');
    if (!event || !sign) return this.refuse('event or sign missing', raw.length);
    if (!(await this.verified(event, sign))) return this.refuse('signature does not verify', raw.length);

    const hash = createHash('sha256').update(event, 'utf8').digest('hex');
    const records = this.dataSource.getRepository(PayseraCallbackRecord);
    if (await records.existsBy({ eventHash: hash })) return 'duplicate';
    let parsed: unknown;
    try {
      // Lossless: amounts in the event stay exact.
      parsed = parseLossless(event, null, (value: string) => value);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The event is not JSON.');
    }
    const { object, type, data } = parseEvent(parsed);
    let applied: unknown;
    let objectId: string | null = null;
    if (object === 'transaction') {
      applied = await this.transactions.onEvent(data);
      objectId = typeof data.transaction_key === 'string' ? data.transaction_key.slice(0, 100) : null;
    } else if (object === 'allowance') {
      applied = await this.allowances.onEvent(data);
      objectId = typeof data.id === 'string' ? data.id.slice(0, 40) : null;
    }
    if (!applied) {
      this.logger.log({ object: object.slice(0, 40), type: type.slice(0, 40) }, 'verified Paysera callback about nothing of ours; ignored');
      return 'ignored';
    }
    // Recorded after it was applied: a crash in between means a redelivery applies it again, harmlessly.
    await records.createQueryBuilder().insert().values({ eventHash: hash, object: object.slice(0, 40), type: type.slice(0, 40), objectId }).orIgnore().execute();
    return 'applied';
  }

  private refuse(reason: string, bytes: number): never {
    // Never the content: an unverified body is attacker-controlled and may carry anything.
    this.logger.warn({ reason, bytes }, 'Paysera callback refused');
    throw new AppError('INVALID_SIGNATURE', 'The callback is not signed by Paysera.');
  }

  private async verified(event: string, sign: string): Promise<boolean> {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sign)) return false;
    const signature = Buffer.from(sign, 'base64');
    if (signature.length === 0 || signature.length > MAX_SIGNATURE_BYTES) return false;
    const check = (key: KeyObject) => verify('sha256', Buffer.from(event, 'utf8'), key, signature);
    if (check(await this.publicKey())) return true;
    if (this.key && Date.now() - this.key.fetchedAt < KEY_REFETCH_AFTER_MS) return false;
    return check(await this.publicKey(true));
  }

  /** Paysera's callback key, fetched once for many callbacks and kept for PAYSERA_PUBLIC_KEY_TTL_S. */
  private publicKey(force = false): Promise<KeyObject> {
    const fresh = this.key && Date.now() - this.key.fetchedAt < this.config.publicKeyTtlSeconds * 1000;
    if (this.key && fresh && !force) return Promise.resolve(this.key.value);
    this.fetching ??= this.client
      .publicKey()
      .then((pem) => {
        const value = createPublicKey(pem);
        if (value.asymmetricKeyType !== 'rsa' || (value.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
          throw new AppError('PROVIDER_ERROR', "Paysera's callback key is not an RSA key of at least 2048 bits.");
        }
        this.key = { value, fetchedAt: Date.now() };
        return value;
      })
      .finally(() => (this.fetching = undefined));
    return this.fetching;
  }
}
