import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { PacoJoseService } from '../../crypto/paco-jose.service.js';
import { PaymentsLedger } from '../../payments/payments.ledger.js';
import { PacoKeyring } from './paco-keyring.service.js';
import { PacoOrders } from './paco-orders.store.js';
import { type PacoPayment, PacoPaymentsService } from './paco-payments.service.js';
import { PACO_CONFIG, type PacoConfig } from './paco.config.js';
import { pick, readEnvelope, readOrder, readPaymentData } from './paco.mapper.js';

/**
 * PACO's backend notifications (B.6): a JWE(JWS) of the answer's shape, POSTed to backendURL. It
 * is opened with PacoJoseService (our decryption key, PACO's signing key, iss PacoIssuer, aud our
 * token, exp within 60 s skew); anything that does not open is refused. What it says is applied
 * through the ledger's state machine, so a duplicate or late notification changes nothing. With
 * JOSE off (non-PROD only) a notification is unsigned: it is only a hint, and the order is read
 * from PACO instead.
 */
@Injectable()
export class PacoNotificationsService {
  private readonly logger = new Logger(PacoNotificationsService.name);

  constructor(
    @Inject(PACO_CONFIG) private readonly config: PacoConfig,
    private readonly jose: PacoJoseService,
    private readonly keyring: PacoKeyring,
    private readonly payments: PacoPaymentsService,
    private readonly orders: PacoOrders,
    private readonly ledger: PaymentsLedger,
  ) {}

  async receive(body: unknown, contentType: string): Promise<PacoPayment> {
    this.payments.assertEnabled();
    const isJose = /^application\/jose\b/i.test(contentType);
    if (this.config.jose) {
      if (!isJose) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'PACO notifications are application/jose.');
      if (typeof body !== 'string' || body.trim() === '') throw new AppError('INVALID_SIGNATURE');
      const { open } = await this.keyring.contexts();
      const opened = await this.jose.open(body, open); // throws INVALID_SIGNATURE (401) for anything unverifiable
      return this.apply(opened.body, true);
    }
    if (!/^application\/json\b/i.test(contentType) || typeof body !== 'object' || body === null) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'PACO notifications are application/json when JOSE is off.');
    return this.apply(body, false);
  }

  private async apply(response: unknown, trusted: boolean): Promise<PacoPayment> {
    let envelope;
    let info;
    try {
      envelope = readEnvelope(response);
      info = readPaymentData(envelope.data).order ?? (pick(envelope.data, 'orderNo') ? readOrder(envelope.data) : null);
    } catch {
      info = null;
    }
    if (!envelope || !info) throw new AppError('BAD_REQUEST', 'The notification names no order.');
    const order = await this.orders.findByOrderNo(info.orderNo);
    const payment = order && (await this.ledger.find({ id: order.paymentId, provider: 'paco' }));
    if (!order || !payment) throw new AppError('NOT_FOUND', 'No such PACO order.');
    this.logger.log({ paymentId: payment.id, pacoStatus: info.paymentStatus, code: envelope.code, trusted }, 'PACO notification');
    if (!trusted) return this.payments.inquire(payment, order);
    return this.payments.apply(payment, order, info, envelope);
  }
}
