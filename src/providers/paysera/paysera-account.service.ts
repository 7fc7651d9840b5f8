import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Consent } from '../../consents/consent.entity.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { PayseraBalanceView, PayseraProfileView } from './dto/paysera.dto.js';
import { PayseraConsentProvider } from './paysera-consent.provider.js';
import { PayseraClient, type PayseraCredentials } from './paysera.client.js';
import { mapBalance, mapUser } from './paysera.mapper.js';

/** What a merchant may read with a valid Paysera consent, signed with the user's MAC token. */
@Injectable()
export class PayseraAccountService {
  constructor(
    private readonly client: PayseraClient,
    private readonly provider: PayseraConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
  ) {}

  /** GET user/me (scope user_info). */
  async profile(merchant: Merchant, consentId: string): Promise<PayseraProfileView> {
    const consent = await this.consents.usable(merchant.id, consentId, 'paysera', 'user_info');
    const profile = mapUser(await this.asUser(consent, (credentials) => this.client.user(credentials)));
    return { consentId, ...profile };
  }

  /** GET wallet/me/balance (scope balance or balance_offline), in cents per currency. */
  async balance(merchant: Merchant, consentId: string): Promise<PayseraBalanceView> {
    const consent = await this.consents.usable(merchant.id, consentId, 'paysera');
    if (!(consent.scopesGranted ?? []).some((s) => s === 'balance' || s === 'balance_offline')) {
      throw new AppError('CONSENT_SCOPE_MISSING', 'This consent does not grant balance or balance_offline.');
    }
    const lines = mapBalance(await this.asUser(consent, (credentials) => this.client.balance(credentials)));
    return {
      consentId,
      balances: lines.map((l) => ({ currency: l.currency, atDisposal: { value: l.atDisposalMinor, currency: l.currency }, reserved: { value: l.reservedMinor, currency: l.currency } })),
    };
  }

  /** Runs a call with the consent's MAC token (refreshed once by the vault when Paysera refuses it). */
  private asUser<T>(consent: Consent, call: (credentials: PayseraCredentials) => Promise<T>): Promise<T> {
    return this.vault.withAccessToken(consent, this.provider, ({ accessToken, extraSecret }) => {
      if (!extraSecret) throw new AppError('CONSENT_NOT_ACTIVE', 'This consent holds no MAC key; ask the user to connect again.');
      return call({ kind: 'user', accessToken, macKey: extraSecret });
    });
  }
}
