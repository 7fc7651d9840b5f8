// Every migration, in order. `npm run migration:generate` writes a new file here; add its class
// to this list (explicit imports work the same under the build, the CLI and jest).
import { CreateMerchants1763800000000 } from './1763800000000-create-merchants.js';
import { CreateConsents1763900000000 } from './1763900000000-create-consents.js';
import { CreateMomo1764000000000 } from './1764000000000-create-momo.js';
import { ConnectpayPsu1764100000000 } from './1764100000000-connectpay-psu.js';
import { CreatePaysera1764200000000 } from './1764200000000-create-paysera.js';
import { CreatePaco1764300000000 } from './1764300000000-create-paco.js';
import { CreatePaymentsApi1764400000000 } from './1764400000000-create-payments-api.js';
import { CreatePaymentChecks1764500000000 } from './1764500000000-create-payment-checks.js';
import { PaymentCheckResend1764600000000 } from './1764600000000-payment-check-resend.js';

export const MIGRATIONS = [CreateMerchants1763800000000, CreateConsents1763900000000, CreateMomo1764000000000, ConnectpayPsu1764100000000, CreatePaysera1764200000000, CreatePaco1764300000000, CreatePaymentsApi1764400000000, CreatePaymentChecks1764500000000, PaymentCheckResend1764600000000];
