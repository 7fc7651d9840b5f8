import { AuthorizationAttempt } from '../consents/authorization-attempt.entity.js';
import { ConsentEvent } from '../consents/consent-event.entity.js';
import { Consent } from '../consents/consent.entity.js';
import { Psu } from '../consents/psu.entity.js';
import { Token } from '../consents/token.entity.js';
import { ApiKey } from '../merchants/api-key.entity.js';
import { Merchant } from '../merchants/merchant.entity.js';
import { Payment } from '../payments/payment.entity.js';
import { ConnectPayAccount } from '../providers/connectpay/connectpay-account.entity.js';
import { MomoAccessToken } from '../providers/momo/momo-access-token.entity.js';
import { MomoApiUser } from '../providers/momo/momo-api-user.entity.js';
import { PacoOrder } from '../providers/paco/paco-order.entity.js';
import { PayseraAllowanceRow } from '../providers/paysera/paysera-allowance.entity.js';
import { PayseraCallbackRecord } from '../providers/paysera/paysera-callback.entity.js';
import { PayseraTransactionLink } from '../providers/paysera/paysera-transaction.entity.js';

/** Every TypeORM entity of Gatehouse, listed once for the app, the CLI data source and tests. */
export const ENTITIES = [Merchant, ApiKey, Psu, Consent, ConsentEvent, AuthorizationAttempt, Token, Payment, MomoApiUser, MomoAccessToken, ConnectPayAccount, PayseraTransactionLink, PayseraAllowanceRow, PayseraCallbackRecord, PacoOrder];
