import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACT_PATHS, redactUrl } from './logging.options.js';

describe('log redaction', () => {
  it('removes secrets wherever they sit in a logged object', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ authorization: 'Bearer gh_test_x', body: { access_token: 'at-123', refresh_token: 'rt-456' }, err: { config: { apiKey: 'k-789' } } }, 'call');
    const out = lines.join('');
    for (const secret of ['gh_test_x', 'at-123', 'rt-456', 'k-789']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('logs URLs without query values (OAuth codes and state travel there)', () => {
    expect(redactUrl('/oauth/paga/callback?code=abc&state=xyz')).toBe('/oauth/paga/callback?code=[redacted]&state=[redacted]');
    expect(redactUrl('/v1/merchants/me')).toBe('/v1/merchants/me');
  });

  it('logs paths without capability tokens (the MoMo callback URL), keeping ids', () => {
    expect(redactUrl('/callbacks/momo/YfvQjEG4eoaYq6xHFjeSHr4kghFfWq22R2FreZqJAHU')).toBe('/callbacks/momo/[redacted]');
    expect(redactUrl('/callbacks/momo/YfvQjEG4eoaYq6xHFjeSHr4kghFfWq22R2FreZqJAHU?x=1')).toBe('/callbacks/momo/[redacted]?x=[redacted]');
    expect(redactUrl('/v1/consents/3f3550ce-6a0e-4bfb-a548-1d7dc94a20d2')).toBe('/v1/consents/3f3550ce-6a0e-4bfb-a548-1d7dc94a20d2');
  });
});
