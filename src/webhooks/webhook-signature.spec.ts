import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signWebhook, webhookHeaders } from './webhook-signature.js';

// The reference implementation of the Standard Webhooks spec checks what we send.
describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ type: 'payment.succeeded', timestamp: '2026-11-22T10:00:00.000Z', data: { id: 'p_1', amount: { value: 1050, currency: 'EUR' } } });
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

  it('verifies with the reference library, and fails for another body or secret', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], id, now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('1050', '1051'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('matches the spec example (secret, id, timestamp and payload from standardwebhooks.com)', () => {
    const example = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(example).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs with every live secret during a rotation, and each verifies', () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([fresh, old], id, now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, headers)).toBeTruthy();
    expect(new Webhook(fresh).verify(body, headers)).toBeTruthy();
  });
});
