import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Consent } from '../../consents/consent.entity.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { ConnectPayConsentProvider } from './connectpay-consent.provider.js';
import { ConnectPayPsuService } from './connectpay-psu.service.js';
import { ConnectPayClient, type TransactionQuery } from './connectpay.client.js';
import { AIS, ConnectPayApiError, mapAccounts, mapBalances, mapTransactions, problemFor } from './connectpay.mapper.js';
import type { AccountsView, BalancesView, TransactionPageView, TransactionsQuery } from './dto/connectpay.dto.js';

const DAY_MS = 86_400_000;
/** A merchant asks for at most this many transactions a page (ConnectPay allows 3000). */
export const MAX_TRANSACTION_PAGE = 1000;

/** "YYYY-MM-DD" that is a real calendar date, as UTC ms; undefined otherwise. */
function calendarDay(value: string): number | undefined {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
}

/**
 * Account information (scope psd2-ais) on a valid ConnectPay consent: accounts, balances,
 * transactions, always for the consent's own PSU.
 */
@Injectable()
export class ConnectPayAisService {
  constructor(
    private readonly client: ConnectPayClient,
    private readonly provider: ConnectPayConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly psu: ConnectPayPsuService,
  ) {}

  async accounts(merchant: Merchant, consentId: string, withBalance: boolean): Promise<AccountsView> {
    const consent = await this.consents.usable(merchant.id, consentId, 'connectpay', AIS);
    const list = mapAccounts(await this.call(consent, 'account list', (token) => this.client.listAccounts(token, withBalance)));
    const bound = await this.psu.learn(consent, list);
    return {
      consentId,
      psu: bound.providerSubject
        ? { personId: bound.providerSubject.personId ?? null, customerId: bound.providerSubject.customerId ?? null, customerName: list.customerName, customerType: list.customerType }
        : null,
      accounts: list.accounts.map((a) => ({ accountId: a.accountId, iban: a.iban, name: a.name, currency: a.currency, ...(a.balances ? { balances: a.balances } : {}) })),
    };
  }

  async balances(merchant: Merchant, consentId: string, accountId: string): Promise<BalancesView> {
    const consent = await this.bound(merchant, consentId);
    await this.psu.assertAccount(consent, accountId);
    const answer = mapBalances(await this.call(consent, 'account', (token) => this.client.balances(token, accountId)));
    if (answer.accountId !== accountId) throw new AppError('PROVIDER_ERROR', 'ConnectPay answered for another account than asked.');
    if (answer.iban) await this.psu.remember(consent, { accountId, iban: answer.iban });
    return { consentId, ...answer };
  }

  async transactions(merchant: Merchant, consentId: string, accountId: string, query: TransactionsQuery): Promise<TransactionPageView> {
    const range = this.range(query);
    const consent = await this.bound(merchant, consentId);
    await this.psu.assertAccount(consent, accountId);
    const wire: TransactionQuery = { ...range, sortOrder: query.sortOrder, pageNo: query.page ?? 1, pageSize: query.pageSize ?? 100 };
    const page = mapTransactions(await this.call(consent, 'account', (token) => this.client.transactions(token, accountId, wire)));
    if (page.accountId !== accountId) throw new AppError('PROVIDER_ERROR', 'ConnectPay answered for another account than asked.');
    if (page.iban) await this.psu.remember(consent, { accountId, iban: page.iban });
    return {
      consentId,
      accountId,
      iban: page.iban,
      dateFrom: page.dateFrom,
      dateTo: page.dateTo,
      sortOrder: page.sortOrder,
      page: page.pageNo,
      pageSize: page.pageSize,
      totalCount: page.totalCount,
      totalPages: page.totalPages,
      transactions: page.transactions,
    };
  }

  /**
   * A usable AIS consent whose PSU is known: when neither the token response nor an earlier call
   * said whom the token belongs to, the account list is read first (and binds it).
   */
  private async bound(merchant: Merchant, consentId: string): Promise<Consent> {
    const consent = await this.consents.usable(merchant.id, consentId, 'connectpay', AIS);
    if (consent.providerSubject) return consent;
    const list = mapAccounts(await this.call(consent, 'account list', (token) => this.client.listAccounts(token, false)));
    return this.psu.learn(consent, list);
  }

  /** One resource call with a fresh token; ConnectPay's refusals in merchant terms. */
  private async call<T>(consent: Consent, what: string, run: (accessToken: string) => Promise<T>): Promise<T> {
    try {
      return await this.vault.withAccessToken(consent, this.provider, ({ accessToken }) => run(accessToken));
    } catch (err) {
      throw err instanceof ConnectPayApiError ? problemFor(err, what) : err;
    }
  }

  private range(query: TransactionsQuery): { dateFrom?: string; dateTo?: string } {
    const errors: { field: string; message: string }[] = [];
    const from = query.dateFrom === undefined ? undefined : calendarDay(query.dateFrom);
    const to = query.dateTo === undefined ? undefined : calendarDay(query.dateTo);
    if (query.dateFrom !== undefined && from === undefined) errors.push({ field: 'dateFrom', message: 'must be a calendar date as YYYY-MM-DD' });
    if (query.dateTo !== undefined && to === undefined) errors.push({ field: 'dateTo', message: 'must be a calendar date as YYYY-MM-DD' });
    if (from !== undefined && to !== undefined && from > to) errors.push({ field: 'dateFrom', message: 'must not be after dateTo' });
    if (from !== undefined && to !== undefined && (to - from) / DAY_MS > 3 * 366) errors.push({ field: 'dateFrom', message: 'the range may span at most three years' });
    if (errors.length) throw new AppError('VALIDATION_FAILED', `${errors.length} field(s) are invalid.`, { errors });
    return { dateFrom: query.dateFrom, dateTo: query.dateTo };
  }
}
