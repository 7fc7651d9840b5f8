// The same-run baseline of `npm run bench`: a bare Nest + Express app with no guard, validation,
// logging or error mapping; one select, one insert, or one insert plus one upstream POST to the
// MoMo emulator. Gatehouse's routes are measured against what this does on the same machine.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const momo = process.env.MOMO_URL!; // e.g. http://127.0.0.1:3000/sandbox/momo
const key = process.env.MOMO_KEY!;
let token = '';

@Controller()
class BaselineController {
  @Get('select')
  async select(): Promise<unknown> {
    const { rows } = await pool.query('SELECT id, name FROM merchants ORDER BY created_at LIMIT 1');
    return rows[0] ?? {};
  }

  @Post('insert')
  @HttpCode(201)
  async insert(@Body() body: unknown): Promise<{ id: string }> {
    const { rows } = await pool.query('INSERT INTO bench_baseline (body) VALUES ($1) RETURNING id', [JSON.stringify(body)]);
    return { id: rows[0].id };
  }

  @Post('insert-and-post')
  @HttpCode(202)
  async insertAndPost(@Body() body: { reference?: string }): Promise<{ id: string }> {
    const { rows } = await pool.query('INSERT INTO bench_baseline (body) VALUES ($1) RETURNING id', [JSON.stringify(body)]);
    const res = await fetch(`${momo}/collection/v1_0/requesttopay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'ocp-apim-subscription-key': key, 'x-target-environment': 'sandbox', 'x-reference-id': randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '12.50', currency: 'EUR', externalId: body.reference ?? 'x', payer: { partyIdType: 'MSISDN', partyId: '46733999001' }, payerMessage: 'bench', payeeNote: 'bench' }),
    });
    if (res.status !== 202) throw new Error(`upstream ${res.status}`);
    return { id: rows[0].id };
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function provision(): Promise<void> {
  const apiUser = randomUUID();
  const host = new URL(momo).hostname;
  await fetch(`${momo}/v1_0/apiuser`, { method: 'POST', headers: { 'ocp-apim-subscription-key': key, 'x-reference-id': apiUser, 'content-type': 'application/json' }, body: JSON.stringify({ providerCallbackHost: host }) });
  const { apiKey } = (await (await fetch(`${momo}/v1_0/apiuser/${apiUser}/apikey`, { method: 'POST', headers: { 'ocp-apim-subscription-key': key } })).json()) as { apiKey: string };
  const basic = Buffer.from(`${apiUser}:${apiKey}`).toString('base64');
  token = ((await (await fetch(`${momo}/collection/token/`, { method: 'POST', headers: { 'ocp-apim-subscription-key': key, authorization: `Basic ${basic}` } })).json()) as { access_token: string }).access_token;
}

await pool.query('CREATE TABLE IF NOT EXISTS bench_baseline (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body jsonb)');
await provision();
const app = await NestFactory.create(BaselineModule, { logger: false });
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.stdout.write('baseline ready\n');
