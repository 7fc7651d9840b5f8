#!/usr/bin/env node
import { generateKeyPair } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { AppError } from '../common/errors/app-error.js';
import { loadRsaKeyFile, toBareBase64Der, toPem } from '../crypto/key-loader.js';
import {
  createPacoOpenContext,
  createPacoSealContext,
  PACO_AUDIENCE,
  PACO_ISSUER,
  PacoJoseService,
} from '../crypto/paco-jose.service.js';
import { PayseraMacService } from '../crypto/paysera-mac.service.js';

/*
 * `gatehouse`: sealing, opening and signing by hand while debugging a 2C2P PACO or Paysera
 * integration. Plain service classes, no Nest container. Exit 0 on success; on failure one line
 * on stderr and a non-zero exit (1 for a failed operation, 2 for a usage error).
 */

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

class UsageError extends Error {}

const USAGE = `Usage:
  gatehouse keys generate --out DIR
  gatehouse jose seal --sign-key F --encrypt-key F --kid K --iss TOKEN [--aud A] [--ttl S] [--crit-exp]   (request JSON on stdin)
  gatehouse jose open --decrypt-key F --verify-key F --aud TOKEN [--iss PacoIssuer]                   (compact token on stdin)
  gatehouse mac sign --id ID --key KEY --method M --url URL [--body F|-] [--ts N --nonce S]
Keys are files in PEM (PKCS#8 / SPKI) or 2C2P's bare base64 DER.`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const key = `${group} ${command ?? ''}`.trim();
    switch (key) {
      case 'keys generate':
        await keysGenerate(rest, io);
        return 0;
      case 'jose seal':
        await joseSeal(rest, io);
        return 0;
      case 'jose open':
        await joseOpen(rest, io);
        return 0;
      case 'mac sign':
        await macSign(rest, io);
        return 0;
      default:
        throw new UsageError(`unknown command "${key}" (try gatehouse --help)`);
    }
  } catch (error) {
    io.stderr.write(`gatehouse: ${oneLine(describe(error))}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof UsageError) return `usage: ${error.message}`;
  if (error instanceof AppError) return `error: ${error.message}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return 'error: unknown failure';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse<T extends OptionSpec>(args: string[], options: T, required: Array<keyof T & string>) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const name of required) if (values[name] === undefined || values[name] === '') throw new UsageError(`--${name} is required`);
  return values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
}

async function readStdin(stdin: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

const generateRsa = promisify(generateKeyPair);

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function keysGenerate(args: string[], io: CliIo): Promise<void> {
  const values = parse(args, { out: { type: 'string' } }, ['out']);
  const out = values.out!;
  await mkdir(out, { recursive: true, mode: 0o700 });
  // Checked before the (slow) generation; the exclusive write below still guards against races.
  for (const prefix of ['signing', 'encryption']) {
    for (const suffix of ['private.pem', 'public.pem', 'public.b64']) {
      const path = join(out, `${prefix}-${suffix}`);
      if (await exists(path)) throw new Error(`${path} already exists; not overwriting keys`);
    }
  }
  const [signing, encryption] = await Promise.all([
    generateRsa('rsa', { modulusLength: 4096 }),
    generateRsa('rsa', { modulusLength: 4096 }),
  ]);
  const files: Array<[string, string, number]> = [];
  for (const [prefix, pair] of [['signing', signing], ['encryption', encryption]] as const) {
    files.push([`${prefix}-private.pem`, toPem(pair.privateKey), 0o600]);
    files.push([`${prefix}-public.pem`, toPem(pair.publicKey), 0o644]);
    // The bare base64 DER body that 2C2P's portal takes for public keys.
    files.push([`${prefix}-public.b64`, `${toBareBase64Der(pair.publicKey)}\n`, 0o644]);
  }
  for (const [name, content, mode] of files) {
    try {
      await writeFile(join(out, name), content, { mode, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${join(out, name)} already exists; not overwriting keys`);
      throw error;
    }
  }
  io.stdout.write(`${files.map(([name]) => join(out, name)).join('\n')}\n`);
}

async function joseSeal(args: string[], io: CliIo): Promise<void> {
  const values = parse(
    args,
    {
      'sign-key': { type: 'string' },
      'encrypt-key': { type: 'string' },
      kid: { type: 'string' },
      iss: { type: 'string' },
      aud: { type: 'string' },
      ttl: { type: 'string' },
      'crit-exp': { type: 'boolean' },
    },
    ['sign-key', 'encrypt-key', 'kid', 'iss'],
  );
  const ttlSeconds = integer(values.ttl, 'ttl');
  const [signingKey, encryptionKey] = await Promise.all([
    loadRsaKeyFile(values['sign-key']!, 'sign'),
    loadRsaKeyFile(values['encrypt-key']!, 'encrypt'),
  ]);
  let request: unknown;
  try {
    request = JSON.parse((await readStdin(io.stdin)).toString('utf8'));
  } catch {
    throw new Error('stdin is not valid JSON (expected the PACO request body)');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new Error('the request body must be a JSON object');
  const context = createPacoSealContext({ signingKey, encryptionKey, kid: values.kid, critExp: values['crit-exp'] ?? false });
  const token = await new PacoJoseService().sealRequest(request, context, {
    token: values.iss!,
    audience: values.aud ?? PACO_AUDIENCE,
    ttlSeconds,
  });
  io.stdout.write(`${token}\n`);
}

async function joseOpen(args: string[], io: CliIo): Promise<void> {
  const values = parse(
    args,
    {
      'decrypt-key': { type: 'string' },
      'verify-key': { type: 'string' },
      aud: { type: 'string' },
      iss: { type: 'string' },
    },
    ['decrypt-key', 'verify-key', 'aud'],
  );
  const [decryptionKey, verificationKey] = await Promise.all([
    loadRsaKeyFile(values['decrypt-key']!, 'decrypt'),
    loadRsaKeyFile(values['verify-key']!, 'verify'),
  ]);
  const issuer = values.iss ?? PACO_ISSUER;
  // From PacoIssuer it is a response (strict allowlists); otherwise a merchant's request.
  const context = createPacoOpenContext({
    direction: issuer === PACO_ISSUER ? 'response' : 'request',
    decryptionKey,
    verificationKey,
    issuer,
    audience: values.aud!,
    companyApiKey: issuer === PACO_ISSUER ? undefined : issuer,
    bodyClaim: null,
  });
  const token = (await readStdin(io.stdin)).toString('utf8');
  const opened = await new PacoJoseService().open(token, context);
  io.stdout.write(`${JSON.stringify(opened.claims, null, 2)}\n`);
}

async function macSign(args: string[], io: CliIo): Promise<void> {
  const values = parse(
    args,
    {
      id: { type: 'string' },
      key: { type: 'string' },
      method: { type: 'string' },
      url: { type: 'string' },
      body: { type: 'string' },
      ts: { type: 'string' },
      nonce: { type: 'string' },
    },
    ['id', 'key', 'method', 'url'],
  );
  const ts = integer(values.ts, 'ts');
  if (!/^[A-Za-z]+$/.test(values.method!)) throw new UsageError('--method must be an HTTP method');
  let url: URL;
  try {
    url = new URL(values.url!);
  } catch {
    throw new UsageError('--url must be an absolute http(s) URL');
  }
  let body: Buffer | undefined;
  if (values.body === '-') body = await readStdin(io.stdin);
  else if (values.body !== undefined) {
    try {
      body = await readFile(values.body);
    } catch (error) {
      throw new Error(`cannot read body file ${values.body} (${(error as NodeJS.ErrnoException).code ?? 'read error'})`);
    }
  }
  const signature = new PayseraMacService().sign(
    { method: values.method!, url, body },
    { macId: values.id!, macKey: values.key! },
    { ts, nonce: values.nonce },
  );
  io.stdout.write(`${signature.authorization}\n`);
}

/** True when this file is the process entry point (also through the npm bin symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
