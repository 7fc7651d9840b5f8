import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Consent } from '../../consents/consent.entity.js';
import { ConsentsService, sameSubject } from '../../consents/consents.service.js';
import type { Token } from '../../consents/token.entity.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import { ConnectPayAccountDirectory } from './connectpay-account.directory.js';
import { ConnectPayConsentProvider } from './connectpay-consent.provider.js';
import type { AccountList } from './connectpay.mapper.js';

/**
 * A ConnectPay token belongs to one PSU, a (person, customer) pair (spec 2.2). This keeps the
 * consent bound to it: it records the PSU when an answer names it (ending the consent if it
 * contradicts what is known), remembers which customer holds which account, and refuses up front
 * a call for an account or IBAN it knows to be another customer's.
 */
@Injectable()
export class ConnectPayPsuService {
  private readonly logger = new Logger(ConnectPayPsuService.name);

  constructor(
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly provider: ConnectPayConsentProvider,
    private readonly directory: ConnectPayAccountDirectory,
  ) {}

  /** What an account list says: the PSU behind the token, and the accounts its customer holds. */
  async learn(consent: Consent, list: AccountList): Promise<Consent> {
    let bound = consent;
    // Already bound to this PSU (the usual case): nothing to write.
    if (list.psu && !(consent.providerSubject && sameSubject(consent.providerSubject, list.psu))) {
      const binding = await this.consents.bindSubject(consent.id, list.psu);
      if (!binding.ok) {
        await this.revoke(consent.id, binding.tokens);
        throw new AppError('CONSENT_PSU_MISMATCH', `ConnectPay answered for another person or customer than this consent is bound to; the consent is ${binding.consent.status}.`);
      }
      bound = binding.consent;
    }
    const holder = bound.providerSubject?.customerId;
    const known = list.accounts.flatMap((a) => {
      const customerId = a.customerId ?? holder;
      return customerId ? [{ accountId: a.accountId, iban: a.iban, customerId }] : [];
    });
    await this.directory.record(bound.merchantId, known);
    return bound;
  }

  /** An account answered for this consent: it is its customer's. */
  async remember(consent: Consent, account: { accountId: string; iban: string }): Promise<void> {
    const customerId = consent.providerSubject?.customerId;
    if (customerId) await this.directory.record(consent.merchantId, [{ ...account, customerId }]);
  }

  /** Refuses, without asking ConnectPay, an account known to be held by another customer. */
  async assertAccount(consent: Consent, accountId: string): Promise<void> {
    const mine = consent.providerSubject?.customerId;
    if (!mine) return;
    const holder = await this.directory.holderOfAccount(consent.merchantId, accountId);
    if (holder !== undefined && holder !== mine) {
      throw new AppError('CONSENT_PSU_MISMATCH', 'This account belongs to another customer than the one this consent was given for; ConnectPay was not asked.');
    }
  }

  /** The same for a debtor IBAN. */
  async assertIban(consent: Consent, iban: string): Promise<void> {
    const mine = consent.providerSubject?.customerId;
    if (!mine) return;
    const holders = await this.directory.holdersOfIban(consent.merchantId, iban);
    if (holders.length && !holders.includes(mine)) {
      throw new AppError('CONSENT_PSU_MISMATCH', 'The debtor account belongs to another customer than the one this consent was given for; ConnectPay was not asked.');
    }
  }

  /** The consent ended on a mismatch: its tokens are gone from Postgres; ConnectPay is told too (best effort). */
  private async revoke(consentId: string, tokens: Token | undefined): Promise<void> {
    if (!tokens) return;
    await this.provider.revoke(this.vault.reveal(tokens)).catch((err: unknown) =>
      this.logger.warn({ consentId, err: (err as Error)?.message?.slice(0, 200) }, 'ConnectPay did not confirm the revocation'),
    );
  }
}
