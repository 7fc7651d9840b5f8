import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { loadRsaKey, toBareBase64Der } from '../crypto/key-loader.js';
import { main } from './gatehouse.cli.js';

const pacoFixture = JSON.parse(readFileSync(new URL('../../test/fixtures/paysera-mac-vectors.json', import.meta.url), 'utf8'));

async function run(argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

function expectOneLineFailure(result: { code: number; stdout: string; stderr: string }, pattern: RegExp, code = 1) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('gatehouse CLI', () => {
  // Two "parties": the merchant (keys from `keys generate`) and PACO (keys from `keys generate` too).
  let merchantDir: string;
  let pacoDir: string;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-cli-'));
    merchantDir = join(root, 'merchant');
    pacoDir = join(root, 'paco');
    const results = await Promise.all([run(['keys', 'generate', '--out', merchantDir]), run(['keys', 'generate', '--out', pacoDir])]);
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('keys generate: RSA-4096 signing and encryption pairs, PKCS#8/SPKI PEM plus bare base64, private files 0600', () => {
    for (const prefix of ['signing', 'encryption']) {
      const privatePem = readFileSync(join(merchantDir, `${prefix}-private.pem`), 'utf8');
      expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(statSync(join(merchantDir, `${prefix}-private.pem`)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(merchantDir, `${prefix}-public.pem`), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      const bare = readFileSync(join(merchantDir, `${prefix}-public.b64`), 'utf8').trim();
      expect(bare).toMatch(/^MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A[A-Za-z0-9+/=]+$/); // 4096-bit SPKI, as 2C2P's portal shows
      const key = loadRsaKey(privatePem, prefix === 'signing' ? 'sign' : 'decrypt');
      expect(key.bits).toBe(4096);
      expect(loadRsaKey(bare, prefix === 'signing' ? 'verify' : 'encrypt').fingerprint).toBe(key.fingerprint);
    }
  });

  it('keys generate refuses to overwrite existing keys', async () => {
    expectOneLineFailure(await run(['keys', 'generate', '--out', merchantDir]), /^gatehouse: error: .*signing-private\.pem already exists/);
  });

  it('jose seal | jose open round trip (merchant request opened with PACO keys, bare base64 public keys)', async () => {
    const body = { apiRequest: { requestMessageID: 'b6b5cbd4-2d4f-4b7e-9f53-1b1a6f7c2d10' }, officeId: 'DEMOOFFICE', orderNo: 'ORD-1' };
    const sealed = await run(
      [
        'jose', 'seal',
        '--sign-key', join(merchantDir, 'signing-private.pem'),
        '--encrypt-key', join(pacoDir, 'encryption-public.b64'),
        '--kid', '0123456789abcdef0123456789abcdef',
        '--iss', 'merchant-token',
        '--ttl', '120',
      ],
      JSON.stringify(body),
    );
    expect(sealed.code).toBe(0);
    expect(sealed.stderr).toBe('');
    const token = sealed.stdout.trim();
    expect(token.split('.')).toHaveLength(5);

    const opened = await run(
      [
        'jose', 'open',
        '--decrypt-key', join(pacoDir, 'encryption-private.pem'),
        '--verify-key', join(merchantDir, 'signing-public.b64'),
        '--aud', 'PacoAudience',
        '--iss', 'merchant-token',
      ],
      sealed.stdout,
    );
    expect(opened).toMatchObject({ code: 0, stderr: '' });
    const claims = JSON.parse(opened.stdout);
    expect(claims).toMatchObject({ request: body, iss: 'merchant-token', aud: 'PacoAudience', CompanyApiKey: 'merchant-token' });
    expect(claims.exp - claims.iat).toBe(120);
  });

  it('jose open of a response (default --iss PacoIssuer) needs a token from PacoIssuer: a request is refused in one line', async () => {
    const sealed = await run(
      ['jose', 'seal', '--sign-key', join(merchantDir, 'signing-private.pem'), '--encrypt-key', join(pacoDir, 'encryption-public.pem'), '--kid', 'k', '--iss', 'merchant-token'],
      '{"apiRequest":{}}',
    );
    expect(sealed.code).toBe(0);
    const opened = await run(
      ['jose', 'open', '--decrypt-key', join(pacoDir, 'encryption-private.pem'), '--verify-key', join(merchantDir, 'signing-public.pem'), '--aud', 'PacoAudience'],
      sealed.stdout,
    );
    expectOneLineFailure(opened, /^gatehouse: error: The message could not be decrypted or verified\n$/);
  });

  it('jose open with the wrong decryption key fails with the generic one-line error', async () => {
    const sealed = await run(
      ['jose', 'seal', '--sign-key', join(merchantDir, 'signing-private.pem'), '--encrypt-key', join(pacoDir, 'encryption-public.pem'), '--kid', 'k', '--iss', 't'],
      '{}',
    );
    const opened = await run(
      ['jose', 'open', '--decrypt-key', join(merchantDir, 'encryption-private.pem'), '--verify-key', join(merchantDir, 'signing-public.pem'), '--aud', 'PacoAudience', '--iss', 't'],
      sealed.stdout,
    );
    expectOneLineFailure(opened, /^gatehouse: error: The message could not be decrypted or verified\n$/);
  });

  it('mac sign reproduces Paysera vector 2 (body from a file) and vector 5 (port 8443, body from stdin)', async () => {
    const { macId, macKey } = pacoFixture.credentials;
    const v2 = pacoFixture.vectors[1];
    const bodyFile = join(mkdtempSync(join(tmpdir(), 'gh-cli-body-')), 'body.txt');
    writeFileSync(bodyFile, v2.body);
    const signed = await run(['mac', 'sign', '--id', macId, '--key', macKey, '--method', v2.method, '--url', v2.url, '--body', bodyFile, '--ts', String(v2.ts), '--nonce', v2.nonce]);
    expect(signed).toEqual({ code: 0, stdout: `${v2.header}\n`, stderr: '' });

    const v5 = pacoFixture.vectors[4];
    const fromStdin = await run(['mac', 'sign', '--id', macId, '--key', macKey, '--method', 'post', '--url', v5.url, '--body', '-', '--ts', String(v5.ts), '--nonce', v5.nonce], v5.body);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toContain(`mac="${v5.mac}"`);
    expect(fromStdin.stdout).toContain(`ext="${v5.ext}"`);
  });

  it('mac sign without --ts/--nonce uses the clock and a random nonce', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await run(['mac', 'sign', '--id', 'i', '--key', 'k', '--method', 'GET', '--url', 'https://wallet.paysera.com/rest/v1/server']);
    expect(result.code).toBe(0);
    const ts = Number(/ts="(\d+)"/.exec(result.stdout)?.[1]);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(result.stdout).toMatch(/nonce="[A-Za-z0-9_-]{32}"/);
  });

  it('refuses a 2040-bit key in one line with a non-zero exit', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 2040 });
    const file = join(mkdtempSync(join(tmpdir(), 'gh-cli-weak-')), 'weak.b64');
    writeFileSync(file, toBareBase64Der(weak.privateKey));
    const result = await run(['jose', 'seal', '--sign-key', file, '--encrypt-key', join(pacoDir, 'encryption-public.pem'), '--kid', 'k', '--iss', 't'], '{}');
    expectOneLineFailure(result, /^gatehouse: error: The key in .*weak\.b64 is 2040-bit RSA; at least 2048 bits are required\n$/);
  });

  it('usage errors exit 2 with one line; bad stdin and missing files exit 1 with one line', async () => {
    expectOneLineFailure(await run(['jose', 'seal', '--kid', 'k']), /^gatehouse: usage: --sign-key is required/, 2);
    expectOneLineFailure(await run(['nope']), /^gatehouse: usage: unknown command "nope"/, 2);
    expectOneLineFailure(await run(['mac', 'sign', '--id', 'i', '--key', 'k', '--method', 'GET', '--url', 'https://x/', '--bogus']), /^gatehouse: usage: Unknown option '--bogus'/, 2);
    expectOneLineFailure(await run(['mac', 'sign', '--id', 'i', '--key', 'k', '--method', 'GET', '--url', 'not a url']), /^gatehouse: usage: --url must be/, 2);
    expectOneLineFailure(
      await run(['jose', 'seal', '--sign-key', join(merchantDir, 'signing-private.pem'), '--encrypt-key', join(pacoDir, 'encryption-public.pem'), '--kid', 'k', '--iss', 't'], 'not json'),
      /^gatehouse: error: stdin is not valid JSON/,
    );
    expectOneLineFailure(
      await run(['jose', 'open', '--decrypt-key', '/nonexistent/key.pem', '--verify-key', '/nonexistent/v.pem', '--aud', 'a'], 'x'),
      /^gatehouse: error: Cannot read key file \/nonexistent\/(key|v)\.pem \(ENOENT\)/,
    );
    // A private key given where a public one belongs.
    expectOneLineFailure(
      await run(['jose', 'seal', '--sign-key', join(merchantDir, 'signing-private.pem'), '--encrypt-key', join(pacoDir, 'encryption-private.pem'), '--kid', 'k', '--iss', 't'], '{}'),
      /is a private key; use "encrypt" needs the public key only/,
    );
  });

  it('--help prints usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gatehouse keys generate --out DIR');
  });
});
