import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { MomoTokenManager } from './momo-token.manager.js';
import { MomoClient } from './momo.client.js';
import { MOMO_CONFIG, type MomoConfig, type MomoProduct } from './momo.config.js';
import { fromMomoAmount, momoMsisdn } from './momo.mapper.js';

/** Read-only MoMo account facts: the merchant's balance per product, and account holders. */
@Injectable()
export class MomoAccountsService {
  constructor(
    @Inject(MOMO_CONFIG) private readonly config: MomoConfig,
    private readonly client: MomoClient,
    private readonly tokens: MomoTokenManager,
  ) {}

  async balance(product: MomoProduct): Promise<{ product: MomoProduct; available: { value: number; currency: string } }> {
    const read = await this.tokens.withToken(product, (token) => this.client.read(product, token, '/v1_0/account/balance'));
    if (!read.found) throw new AppError('PROVIDER_ERROR', 'MoMo did not return a balance.');
    const currency = typeof read.body.currency === 'string' ? read.body.currency : this.config.currency;
    return { product, available: { value: fromMomoAmount(read.body.availableBalance), currency } };
  }

  /** Whether the number holds an active MoMo account, and the name MoMo shares for it. */
  async accountHolder(msisdn: string): Promise<{ msisdn: string; active: boolean; givenName: string | null; familyName: string | null }> {
    const id = momoMsisdn(msisdn);
    const active = await this.tokens.withToken('collection', (token) => this.client.read('collection', token, `/v1_0/accountholder/msisdn/${id}/active`));
    const isActive = active.found && active.body.result === true;
    let givenName: string | null = null;
    let familyName: string | null = null;
    if (isActive) {
      const info = await this.tokens.withToken('collection', (token) => this.client.read('collection', token, `/v1_0/accountholder/msisdn/${id}/basicuserinfo`)).catch(() => undefined);
      if (info?.found) {
        givenName = typeof info.body.given_name === 'string' ? info.body.given_name : null;
        familyName = typeof info.body.family_name === 'string' ? info.body.family_name : null;
      }
    }
    return { msisdn: id, active: isActive, givenName, familyName };
  }
}
