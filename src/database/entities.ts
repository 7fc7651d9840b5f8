import { ApiKey } from '../merchants/api-key.entity.js';
import { Merchant } from '../merchants/merchant.entity.js';

/** Every TypeORM entity of Gatehouse, listed once for the app, the CLI data source and tests. */
export const ENTITIES = [Merchant, ApiKey];
