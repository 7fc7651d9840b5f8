import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { PaymentsLedger } from '../../payments/payments.ledger.js';
import { PacoOrders } from './paco-orders.store.js';
import { PacoPaymentsService } from './paco-payments.service.js';

/**
 * The payer's way back from PACO's hosted page. The query PACO appends is not trusted: it only
 * names the order (and must match the controllerInternalID PACO gave us). The payment is read from
 * PACO first, so the merchant's page sees the outcome even before the notification arrives, and
 * the browser goes to the merchant's returnUrl with only its own order number and the status.
 */
@Injectable()
export class PacoReturnService {
  private readonly logger = new Logger(PacoReturnService.name);

  constructor(
    private readonly orders: PacoOrders,
    private readonly payments: PacoPaymentsService,
    private readonly ledger: PaymentsLedger,
  ) {}

  async landing(pacoOrderNo: string, controllerInternalId: string | undefined): Promise<string> {
    this.payments.assertEnabled();
    const order = await this.orders.findByOrderNo(pacoOrderNo);
    const matches = order?.channel === 'hosted' && order.returnUrl && (!order.controllerInternalId || order.controllerInternalId === controllerInternalId);
    const payment = matches ? await this.ledger.find({ id: order.paymentId, provider: 'paco' }) : null;
    if (!order || !matches || !payment) throw new AppError('NOT_FOUND', 'No such PACO payment.');
    let status = payment.status;
    try {
      status = (await this.payments.inquire(payment, order)).payment.status;
    } catch (err) {
      // PACO unreachable: the stored status will do; the notification or an inquiry settles it later.
      this.logger.warn({ paymentId: payment.id, err: (err as Error).message }, 'PACO inquiry on return failed');
    }
    const target = new URL(order.returnUrl!);
    target.searchParams.set('orderNo', payment.reference);
    target.searchParams.set('status', status);
    return target.toString();
  }
}
