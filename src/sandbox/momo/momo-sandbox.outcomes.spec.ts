import { MOMO_SANDBOX_DEFAULT_SETTINGS } from './momo-sandbox.constants.js';
import { accountHolderBehaviour, outcomeForParty, statusBody } from './momo-sandbox.outcomes.js';

const settings = { ...MOMO_SANDBOX_DEFAULT_SETTINGS };
const msisdn = (partyId: string) => ({ partyIdType: 'MSISDN' as const, partyId });

describe('outcomeForParty', () => {
  it('gives the same number different reasons per operation (§9.2 columns)', () => {
    expect(outcomeForParty('requesttopay', msisdn('46733123455'), settings).outcome).toEqual({ status: 'FAILED', reason: 'PAYER_NOT_FOUND' });
    expect(outcomeForParty('transfer', msisdn('46733123455'), settings).outcome).toEqual({ status: 'FAILED', reason: 'NOT_ENOUGH_FUNDS' });
    expect(outcomeForParty('requesttopay', msisdn('46733123463'), settings).outcome).toEqual({ status: 'FAILED', reason: 'COULD_NOT_PERFORM_TRANSACTION' });
    expect(outcomeForParty('transfer', msisdn('46733123463'), settings).outcome).toEqual({ status: 'FAILED', reason: 'SERVICE_UNAVAILABLE' });
  });

  it('times outcomes by the settings: ordinary and failing after pendingSeconds, 454 after delayedSeconds, 453 never (or ongoingSeconds)', () => {
    const custom = { ...settings, pendingSeconds: 7, delayedSeconds: 30 };
    expect(outcomeForParty('transfer', msisdn('46733123499'), custom)).toEqual({ outcome: { status: 'SUCCESSFUL' }, afterSeconds: 7, source: 'default' });
    expect(outcomeForParty('transfer', msisdn('46733123450'), custom)).toMatchObject({ afterSeconds: 7, source: 'test-number' });
    expect(outcomeForParty('requesttopay', msisdn('46733123454'), custom)).toEqual({ outcome: { status: 'SUCCESSFUL' }, afterSeconds: 30, source: 'test-number' });
    expect(outcomeForParty('requesttopay', msisdn('46733123453'), custom)).toEqual({ outcome: { status: 'PENDING' }, afterSeconds: null, source: 'test-number' });
    expect(outcomeForParty('requesttopay', msisdn('46733123453'), { ...custom, ongoingSeconds: 40 })).toEqual({ outcome: { status: 'SUCCESSFUL' }, afterSeconds: 40, source: 'test-number' });
  });

  it('only MSISDN parties are test numbers', () => {
    expect(outcomeForParty('requesttopay', { partyIdType: 'EMAIL', partyId: '46733123450' }, settings).outcome.status).toBe('SUCCESSFUL');
    expect(outcomeForParty('requesttopay', msisdn('46733123464'), settings).outcome.status).toBe('SUCCESSFUL');
  });
});

describe('accountHolderBehaviour', () => {
  it('maps the test MSISDNs, e-mails and party codes alike', () => {
    expect(accountHolderBehaviour('msisdn', '46733123450')).toEqual({ kind: 'error', code: 'RESOURCE_NOT_FOUND' });
    expect(accountHolderBehaviour('email', 'notallowed@email.com')).toEqual({ kind: 'error', code: 'NOT_ALLOWED' });
    expect(accountHolderBehaviour('party_code', '585c07a4-2c80-42f7-9e73-e586b36dee68')).toEqual({ kind: 'error', code: 'SERVICE_UNAVAILABLE' });
    expect(accountHolderBehaviour('msisdn', '46733123451')).toEqual({ kind: 'inactive' });
    expect(accountHolderBehaviour('msisdn', '46733123456')).toBeUndefined();
  });
});

describe('statusBody', () => {
  const base = { kind: 'requesttopay' as const, amountCents: 1250, currency: 'EUR', externalId: 'o-1', party: msisdn('46733123451'), payerMessage: 'm', payeeNote: 'n' };

  it('has financialTransactionId only when SUCCESSFUL and reason only when FAILED', () => {
    expect(statusBody({ ...base, status: 'PENDING', financialTransactionId: '1' }, 'string')).toEqual({
      externalId: 'o-1',
      amount: '12.5',
      currency: 'EUR',
      payer: msisdn('46733123451'),
      payerMessage: 'm',
      payeeNote: 'n',
      status: 'PENDING',
    });
    expect(statusBody({ ...base, status: 'SUCCESSFUL', financialTransactionId: '1234567890', reason: 'X' }, 'string')).toMatchObject({ financialTransactionId: '1234567890', status: 'SUCCESSFUL' });
    expect(statusBody({ ...base, status: 'SUCCESSFUL', reason: 'X' }, 'string').reason).toBeUndefined();
    expect(statusBody({ ...base, status: 'FAILED', reason: 'APPROVAL_REJECTED' }, 'string').reason).toBe('APPROVAL_REJECTED');
    expect(statusBody({ ...base, status: 'FAILED', reason: 'SOMETHING_NEW' }, 'object').reason).toEqual({ code: 'SOMETHING_NEW', message: 'The transaction failed.' });
  });

  it('names the party payee for transfers and never carries a referenceId', () => {
    const body = statusBody({ ...base, kind: 'transfer', status: 'PENDING' }, 'string');
    expect(body.payee).toEqual(msisdn('46733123451'));
    expect(body.payer).toBeUndefined();
    expect(body.referenceId).toBeUndefined();
  });
});
