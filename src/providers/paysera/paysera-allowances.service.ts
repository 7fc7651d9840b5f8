import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { PayseraAllowanceDto } from './dto/paysera.dto.js';
import { PayseraAllowanceRow } from './paysera-allowance.entity.js';
import { PayseraConsentProvider } from './paysera-consent.provider.js';
import { PayseraClient, PayseraRefusal } from './paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';
import { mapAllowance, type PayseraAllowance, toPayseraAmount } from './paysera.mapper.js';

/** Statuses an allowance never leaves. */
const FINAL = ['canceled', 'failed'];

/**
 * Allowances: the user lets this client take up to an amount from their wallet without asking each
 * time (created with the user's token, scope initiate_transfers), later used to reserve payments
 * with client credentials. The row is written before Paysera is called; the merchant's reference
 * makes creation idempotent, and every read is scoped by the merchant.
 */
@Injectable()
export class PayseraAllowancesService {
  constructor(
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: PayseraClient,
    private readonly provider: PayseraConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
  ) {}

  async create(merchant: Merchant, consentId: string, dto: PayseraAllowanceDto): Promise<PayseraAllowanceRow> {
    if (!this.config.currencies.includes(dto.maxAmount.currency)) {
      throw new AppError('VALIDATION_FAILED', 'Paysera is set up for other currencies.', { errors: [{ field: 'maxAmount.currency', message: `must be one of: ${this.config.currencies.join(', ')}` }] });
    }
    const consent = await this.consents.usable(merchant.id, consentId, 'paysera', 'initiate_transfers');
    const print = createHash('sha256')
      .update(JSON.stringify([consentId, dto.maxAmount.value, dto.maxAmount.currency, dto.description ?? '', dto.validForSeconds ?? null]))
      .digest('hex');
    const repo = this.dataSource.getRepository(PayseraAllowanceRow);
    const inserted = await repo
      .createQueryBuilder()
      .insert()
      .values({ merchantId: merchant.id, consentId, reference: dto.reference, status: 'pending', currency: dto.maxAmount.currency, maxAmountMinor: dto.maxAmount.value, description: dto.description ?? '', requestFingerprint: print })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    const row = id ? await repo.findOneByOrFail({ id }) : await repo.findOneByOrFail({ merchantId: merchant.id, reference: dto.reference });
    if (!id) {
      if (row.requestFingerprint !== print) throw new AppError('UNPROCESSABLE', `The reference ${dto.reference} was already used for a different allowance.`);
      if (row.payseraId || FINAL.includes(row.status)) return row;
      // Written, but Paysera's answer never arrived: asking again only replaces that allowance.
    }
    let allowance: PayseraAllowance;
    try {
      allowance = mapAllowance(
        await this.vault.withAccessToken(consent, this.provider, ({ accessToken, extraSecret }) => {
          if (!extraSecret) throw new AppError('CONSENT_NOT_ACTIVE', 'This consent holds no MAC key; ask the user to connect again.');
          return this.client.createAllowance(
            { kind: 'user', accessToken, macKey: extraSecret },
            {
              currency: dto.maxAmount.currency,
              ...toPayseraAmount(dto.maxAmount.value, this.config.amountFormat, 'max_price'),
              ...(dto.description ? { description: dto.description } : {}),
              ...(dto.validForSeconds ? { valid_for: dto.validForSeconds } : {}),
            },
          );
        }),
      );
    } catch (err) {
      if (err instanceof PayseraRefusal) {
        await repo.update({ id: row.id, status: 'pending' }, { status: 'failed', lastError: `${err.error}: ${err.description}`.slice(0, 300) });
      } else {
        await repo.update({ id: row.id }, { lastError: err instanceof AppError ? `${err.code}: ${err.message}`.slice(0, 300) : 'unexpected error' });
      }
      if (err instanceof PayseraRefusal) return repo.findOneByOrFail({ id: row.id });
      throw err;
    }
    if (allowance.maxPriceMinor !== dto.maxAmount.value || allowance.currency !== dto.maxAmount.currency) {
      throw new AppError('PROVIDER_ERROR', 'Paysera reported an allowance that does not match the request.');
    }
    return this.save(row.id, allowance);
  }

  /** The merchant's allowance, read again from Paysera while it can still change. */
  async get(merchant: Merchant, id: string): Promise<PayseraAllowanceRow> {
    const row = await this.own(merchant, id);
    if (!row.payseraId || FINAL.includes(row.status)) return row;
    try {
      return await this.save(row.id, mapAllowance(await this.client.getAllowance(row.payseraId)));
    } catch (err) {
      if (!(err instanceof AppError) || !err.code.startsWith('PROVIDER_')) throw err;
      return row;
    }
  }

  async cancel(merchant: Merchant, id: string): Promise<PayseraAllowanceRow> {
    const row = await this.own(merchant, id);
    if (row.status === 'canceled') return row;
    if (row.status === 'failed') throw new AppError('CONFLICT', 'Paysera refused this allowance; there is nothing to cancel.');
    if (!row.payseraId) throw new AppError('CONFLICT', 'This allowance has not reached Paysera yet; create it again with the same reference first.');
    try {
      return await this.save(row.id, mapAllowance(await this.client.cancelAllowance(row.payseraId)));
    } catch (err) {
      // Already deleted at Paysera (by the user, say): read what it is now.
      if (!(err instanceof PayseraRefusal) || err.error !== 'invalid_state') throw err;
      return this.save(row.id, mapAllowance(await this.client.getAllowance(row.payseraId)));
    }
  }

  /** A verified callback about an allowance (e.g. the user deleted it). */
  async onEvent(data: unknown): Promise<PayseraAllowanceRow | undefined> {
    const allowance = mapAllowance(data);
    const row = await this.dataSource.getRepository(PayseraAllowanceRow).findOneBy({ payseraId: allowance.id });
    return row ? this.save(row.id, allowance) : undefined;
  }

  private async own(merchant: Merchant, id: string): Promise<PayseraAllowanceRow> {
    const row = await this.dataSource.getRepository(PayseraAllowanceRow).findOneBy({ id, merchantId: merchant.id });
    if (!row) throw new AppError('NOT_FOUND', 'No such allowance.');
    return row;
  }

  /** Records what Paysera says; a canceled or failed allowance stays so. */
  private async save(id: string, allowance: PayseraAllowance): Promise<PayseraAllowanceRow> {
    await this.dataSource.query(
      `UPDATE paysera_allowances
          SET paysera_id = $2, wallet_id = coalesce($3, wallet_id), status = $4, used_amount_minor = coalesce($5, used_amount_minor),
              valid_until = CASE WHEN $6::bigint IS NULL THEN valid_until ELSE to_timestamp($6::bigint) END, last_error = NULL, updated_at = now()
        WHERE id = $1 AND status NOT IN ('canceled', 'failed')`,
      [id, allowance.id, allowance.walletId, allowance.status, allowance.usedPriceMinor, allowance.validUntil],
    );
    return this.dataSource.getRepository(PayseraAllowanceRow).findOneByOrFail({ id });
  }
}
