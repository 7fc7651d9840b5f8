import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/config.loader.js';
import { CryptoModule } from './crypto.module.js';
import { PacoJoseService } from './paco-jose.service.js';
import { PayseraMacService } from './paysera-mac.service.js';
import { REPLAY_STORE, type ReplayStore } from './replay.store.js';
import { TokenCipher } from './token-cipher.service.js';

describe('CryptoModule', () => {
  it('provides and exports the services, wired to AppConfig and one replay store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-cm-'));
    const config = loadConfig({ DATA_DIR: dir, TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` }, { dotenv: false, cwd: dir });

    @Global()
    @Module({ providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] })
    class TestConfigModule {}

    const moduleRef = await Test.createTestingModule({ imports: [TestConfigModule, CryptoModule] }).compile();
    expect(moduleRef.get(PacoJoseService)).toBeInstanceOf(PacoJoseService);
    const cipher = moduleRef.get(TokenCipher);
    expect(cipher.activeKid).toBe('k1');
    const row = { merchantId: 'm', consentId: 'c', column: 'access_token' };
    expect(cipher.decrypt(cipher.encrypt('t', row), row)).toBe('t');

    const mac = moduleRef.get(PayseraMacService);
    const store = moduleRef.get<ReplayStore>(REPLAY_STORE);
    const signed = mac.sign({ method: 'GET', url: 'https://wallet.paysera.com/rest/v1/server' }, { macId: 'id', macKey: 'key' });
    const request = { method: 'GET', requestUri: '/rest/v1/server', host: 'wallet.paysera.com', port: 443, authorization: signed.authorization };
    await mac.verify(request, () => ({ macKey: 'key' }));
    // The module's MAC verifier records nonces in the exported store.
    expect(await store.claim(`paysera-mac:id:${signed.ts}:${signed.nonce}`, signed.ts + 600)).toBe(false);
    await moduleRef.close();
  });
});
