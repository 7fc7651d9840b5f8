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
});
