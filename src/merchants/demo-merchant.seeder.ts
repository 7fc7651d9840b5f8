import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { withAdvisoryLock } from '../database/migration.runner.js';
import { API_KEY_SCOPES } from './api-key.codec.js';
import { ApiKeysService } from './api-keys.service.js';
import { MerchantsService } from './merchants.service.js';

const DEMO_LOCK = 0x6465_6d6f; // "demo"

/** What the first sandbox boot created; main prints the key once and it is never shown again. */
export interface DemoMerchantCreated {
  merchantId: string;
  key: string;
}

/** Creates the sandbox's demo merchant and one all-scopes key on the first boot only. */
@Injectable()
export class DemoMerchantSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoMerchantSeeder.name);
  created?: DemoMerchantCreated;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly merchants: MerchantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.isSandbox || !this.config.demoMerchant) return;
    // Two instances booting together must not both create one (the unique index backs this up).
    this.created = await withAdvisoryLock(this.dataSource, DEMO_LOCK, async () => {
      if (await this.merchants.findDemo()) return undefined;
      // Its users come back to the sandbox's stand-in shop page after a consent.
      const merchant = await this.merchants.create({ name: 'Demo merchant', isDemo: true, allowedReturnUrls: [`${this.config.publicBaseUrl}/sandbox/return`] });
      const { key } = await this.apiKeys.issue(merchant.id, [...API_KEY_SCOPES], 'demo key (sandbox)');
      this.logger.log({ merchantId: merchant.id }, 'created the sandbox demo merchant');
      return { merchantId: merchant.id, key };
    });
  }
}
