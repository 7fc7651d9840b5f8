import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../common/errors/app-error.js';
import { nextPoolKeyId, type PoolKey } from './rsa-worker.pool.js';

/** What a key may be used for. A loaded key serves exactly one of these (RFC 8725 §3.1). */
export type KeyUse = 'sign' | 'verify' | 'encrypt' | 'decrypt';

export const MIN_RSA_BITS = 2048;

const PRIVATE_USES: ReadonlySet<KeyUse> = new Set(['sign', 'decrypt']);

export interface LoadKeyOptions {
  /** Shown in error messages (a file name, "PACO signing key"); never the key itself. */
  name?: string;
}

/**
 * An RSA key bound to one use. Private-key operations run on the RSA worker pool, where each
 * worker imports its own copy of the key (see rsa-worker.pool.ts).
 */
export class RsaKey {
  readonly fingerprint: string;
  readonly poolKeyId: number;
  readonly #privateDer?: Buffer;

  constructor(
    readonly use: KeyUse,
    readonly keyObject: KeyObject,
    readonly bits: number,
    readonly name: string,
  ) {
    this.fingerprint = fingerprintOf(keyObject);
    this.poolKeyId = nextPoolKeyId();
    if (keyObject.type === 'private') this.#privateDer = keyObject.export({ format: 'der', type: 'pkcs8' });
  }

  get isPrivate(): boolean {
    return PRIVATE_USES.has(this.use);
  }

  /** Throws unless the key was loaded for `use`; stops a signing key from decrypting and so on. */
  assertUse(use: KeyUse): void {
    if (this.use !== use) {
      throw new AppError('INVALID_KEY', `The ${this.name} is loaded for "${this.use}" and cannot be used to ${use}`);
    }
  }

  /** What the worker pool needs to import the key; kept out of enumerable fields so it is never logged. */
  poolHandle(): PoolKey {
    if (!this.#privateDer) throw new AppError('INVALID_KEY', `The ${this.name} is not a private key`);
    return { poolKeyId: this.poolKeyId, privateDer: this.#privateDer };
  }
}

/** SHA-256 of the public key's SPKI DER, shortened: safe to log, enough to tell keys apart. */
export function fingerprintOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return `sha256:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** The bare base64 DER body (PKCS#8 or SPKI) that 2C2P's portal and samples use. */
export function toBareBase64Der(key: KeyObject): string {
  return key.type === 'private'
    ? key.export({ format: 'der', type: 'pkcs8' }).toString('base64')
    : key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** PEM text: PKCS#8 for private keys, SPKI for public keys. */
export function toPem(key: KeyObject): string {
  return key.type === 'private'
    ? String(key.export({ format: 'pem', type: 'pkcs8' }))
    : String(key.export({ format: 'pem', type: 'spki' }));
}

/**
 * Loads an RSA key for one use. Accepts PEM (PKCS#8, SPKI, PKCS#1, and PKCS#8 bodies mislabelled
 * "RSA PRIVATE KEY" as 2C2P's samples ship them), PACO's bare base64 DER, raw DER bytes, or a JWK.
 * Private material is required for sign/decrypt and refused for verify/encrypt, so a private key
 * is never handed to the side that should only hold the public half.
 */
export function loadRsaKey(material: string | Uint8Array | JsonWebKey, use: KeyUse, options: LoadKeyOptions = {}): RsaKey {
  const name = options.name ?? `${use} key`;
  const wantPrivate = PRIVATE_USES.has(use);
  const parsed = parseKeyMaterial(material, name, use);

  if (parsed.type === 'private' && !wantPrivate) {
    throw new AppError('INVALID_KEY', `The ${name} is a private key; use "${use}" needs the public key only`);
  }
  if (parsed.type === 'public' && wantPrivate) {
    throw new AppError('INVALID_KEY', `The ${name} is a public key; use "${use}" needs the private key`);
  }
  if (parsed.asymmetricKeyType !== 'rsa') {
    throw new AppError('INVALID_KEY', `The ${name} is not an RSA key (got ${parsed.asymmetricKeyType ?? 'unknown'})`);
  }
  const bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new AppError('INVALID_KEY', `The ${name} is ${bits}-bit RSA; at least ${MIN_RSA_BITS} bits are required`);
  }
  const exponent = parsed.asymmetricKeyDetails?.publicExponent;
  if (exponent === undefined || exponent < 3n || exponent % 2n === 0n) {
    throw new AppError('INVALID_KEY', `The ${name} has an invalid RSA public exponent`);
  }

  return new RsaKey(use, parsed, bits, name);
}

export async function loadRsaKeyFile(path: string, use: KeyUse, options: LoadKeyOptions = {}): Promise<RsaKey> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new AppError('INVALID_KEY', `Cannot read key file ${path} (${code})`);
  }
  return loadRsaKey(text, use, { name: options.name ?? `key in ${path}` });
}

const PEM_BLOCK = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----$/;
const PEM_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'PUBLIC KEY', 'RSA PUBLIC KEY']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseKeyMaterial(material: string | Uint8Array | JsonWebKey, name: string, use: KeyUse): KeyObject {
  if (typeof material === 'object' && !(material instanceof Uint8Array)) return parseJwk(material, name, use);

  let der: Buffer;
  let labelSaysPrivate: boolean | undefined;
  const bytes = typeof material === 'string' ? undefined : Buffer.from(material);
  if (bytes && bytes.length > 0 && bytes[0] === 0x30) {
    der = bytes; // raw DER: an ASN.1 SEQUENCE, never valid PEM or base64 text
  } else {
    const text = (typeof material === 'string' ? material : bytes!.toString('latin1')).trim();
    if (text.includes('-----BEGIN')) {
      // Tolerates a missing newline before -----END, which some provider portals produce.
      const match = PEM_BLOCK.exec(text);
      if (!match || match[1] !== match[3]) throw new AppError('INVALID_KEY', `The ${name} is not a single well-formed PEM block`);
      const label = match[1];
      if (label === 'ENCRYPTED PRIVATE KEY') {
        throw new AppError('INVALID_KEY', `The ${name} is password-protected; decrypt it first (openssl pkcs8)`);
      }
      if (!PEM_LABELS.has(label)) throw new AppError('INVALID_KEY', `The ${name} has an unsupported PEM label "${label}"`);
      if (match[2].includes(':')) {
        throw new AppError('INVALID_KEY', `The ${name} has PEM headers (a legacy encrypted key?); convert it to PKCS#8`);
      }
      labelSaysPrivate = label.includes('PRIVATE');
      der = decodeBase64Body(match[2], name);
    } else {
      der = decodeBase64Body(text, name);
    }
  }

  const key = parseDer(der);
  if (!key) throw new AppError('INVALID_KEY', `The ${name} is not a PKCS#8, PKCS#1 or SPKI RSA key`);
  if (labelSaysPrivate !== undefined && labelSaysPrivate !== (key.type === 'private')) {
    throw new AppError('INVALID_KEY', `The ${name} has a PEM label that does not match its contents`);
  }
  return key;
}

function decodeBase64Body(body: string, name: string): Buffer {
  const compact = body.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new AppError('INVALID_KEY', `The ${name} is neither PEM nor base64 DER`);
  }
  return Buffer.from(compact, 'base64');
}

/** Tries the DER structures in turn; the label is not trusted (2C2P labels PKCS#8 as PKCS#1). */
function parseDer(der: Buffer): KeyObject | undefined {
  const attempts: Array<() => KeyObject> = [
    () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
    () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
    () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next structure
    }
  }
  return undefined;
}

function parseJwk(jwk: JsonWebKey, name: string, use: KeyUse): KeyObject {
  if (jwk.kty !== 'RSA') throw new AppError('INVALID_KEY', `The ${name} is not an RSA JWK`);
  const jwkUse = typeof jwk.use === 'string' ? jwk.use : undefined;
  const wanted = use === 'sign' || use === 'verify' ? 'sig' : 'enc';
  if (jwkUse !== undefined && jwkUse !== wanted) {
    throw new AppError('INVALID_KEY', `The ${name} is marked use "${jwkUse}" and cannot be used to ${use}`);
  }
  try {
    return jwk.d !== undefined ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new AppError('INVALID_KEY', `The ${name} is not a valid RSA JWK`);
  }
}
