import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError, type FieldError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { Merchant, type MerchantStatus } from './merchant.entity.js';

export interface MerchantChanges {
  name?: string;
  status?: MerchantStatus;
  allowedReturnUrls?: string[];
  webhookUrls?: string[];
}

@Injectable()
export class MerchantsService {
  constructor(
    @InjectRepository(Merchant) private readonly merchants: Repository<Merchant>,
    private readonly config: AppConfig,
  ) {}

  async create(changes: MerchantChanges & { name: string; isDemo?: boolean }): Promise<Merchant> {
    this.checkUrls(changes);
    return this.merchants.save(
      this.merchants.create({
        name: changes.name,
        status: changes.status ?? 'active',
        allowedReturnUrls: changes.allowedReturnUrls ?? [],
        webhookUrls: changes.webhookUrls ?? [],
        isDemo: changes.isDemo ?? false,
      }),
    );
  }

  async get(id: string): Promise<Merchant> {
    const merchant = await this.merchants.findOne({ where: { id } });
    if (!merchant) throw new AppError('NOT_FOUND', 'No such merchant.');
    return merchant;
  }

  list(limit: number, offset: number): Promise<[Merchant[], number]> {
    return this.merchants.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }

  async update(id: string, changes: MerchantChanges): Promise<Merchant> {
    this.checkUrls(changes);
    const merchant = await this.get(id);
    Object.assign(merchant, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    return this.merchants.save(merchant);
  }

  findDemo(): Promise<Merchant | null> {
    return this.merchants.findOne({ where: { isDemo: true } });
  }

  /**
   * Return and webhook URLs must be https in production; the sandbox also allows http so that a
   * merchant can try Gatehouse against localhost. Credentials and fragments are never allowed.
   */
  private checkUrls(changes: MerchantChanges): void {
    const errors: FieldError[] = [];
    for (const field of ['allowedReturnUrls', 'webhookUrls'] as const) {
      (changes[field] ?? []).forEach((value, i) => {
        const problem = urlProblem(value, this.config.isSandbox);
        if (problem) errors.push({ field: `${field}[${i}]`, message: problem });
      });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', `${errors.length} field(s) are invalid.`, { errors });
  }
}

function urlProblem(value: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return allowHttp ? 'must be an http(s) URL' : 'must be an https URL';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash) return 'must not contain a fragment';
  return undefined;
}
