import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { RsaKey } from './key-loader.js';
import { sharedRsaPool } from './rsa-worker.pool.js';

/*
 * JWE (RFC 7516/7518) for the RSA-OAEP family, with node:crypto.
 *
 * Why not jose here: jose 6 runs on WebCrypto only, so every AES-CBC and HMAC step of a JWE is a
 * separate libuv thread-pool job (about eight per seal+open round trip), and the RSA-OAEP unwrap
 * runs against one shared key. On a 2-core box that held PACO round trips under 60% of the raw
 * RSA rate. Here the unwrap is the one asynchronous step (on the RSA worker pool) and the content
 * layer runs synchronously on a few kilobytes. jose is the independent oracle in the tests
 * (jose encrypts -> this decrypts and the reverse, for every enc), next to the RFC 7520 vectors.
 */

type CbcSpec = { kind: 'cbc'; cekBytes: number; cipher: string; hash: string; tagBytes: number; ivBytes: 16 };
type GcmSpec = { kind: 'gcm'; cekBytes: number; cipher: string; tagBytes: 16; ivBytes: 12 };

const CONTENT: Record<string, CbcSpec | GcmSpec> = {
  'A128CBC-HS256': { kind: 'cbc', cekBytes: 32, cipher: 'aes-128-cbc', hash: 'sha256', tagBytes: 16, ivBytes: 16 },
  'A192CBC-HS384': { kind: 'cbc', cekBytes: 48, cipher: 'aes-192-cbc', hash: 'sha384', tagBytes: 24, ivBytes: 16 },
  'A256CBC-HS512': { kind: 'cbc', cekBytes: 64, cipher: 'aes-256-cbc', hash: 'sha512', tagBytes: 32, ivBytes: 16 },
  A128GCM: { kind: 'gcm', cekBytes: 16, cipher: 'aes-128-gcm', tagBytes: 16, ivBytes: 12 },
  A192GCM: { kind: 'gcm', cekBytes: 24, cipher: 'aes-192-gcm', tagBytes: 16, ivBytes: 12 },
  A256GCM: { kind: 'gcm', cekBytes: 32, cipher: 'aes-256-gcm', tagBytes: 16, ivBytes: 12 },
};

/** OAEP and MGF1 hash per alg: RSA-OAEP is SHA-1 (RFC 7518 §4.3). */
const OAEP_HASH: Record<string, string> = {
  'RSA-OAEP': 'sha1',
  'RSA-OAEP-256': 'sha256',
  'RSA-OAEP-384': 'sha384',
  'RSA-OAEP-512': 'sha512',
};

/** The only error this file throws for a message that does not decrypt; the reason is not distinguished. */
export class JweDecryptionFailed extends Error {
  constructor() {
    super('JWE decryption failed');
    this.name = 'JweDecryptionFailed';
  }
}

export interface JweParts {
  /** The protected header exactly as received (base64url): it is the additional data. */
  protectedB64: string;
  encryptedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Encrypts `plaintext` to an RSA public key; returns the five compact segments joined by dots. */
export function encryptJwe(plaintext: Uint8Array, publicKey: KeyObject, protectedB64: string, alg: string, enc: string): string {
  const spec = CONTENT[enc];
  const oaep = OAEP_HASH[alg];
  if (!spec || !oaep) throw new Error(`Unsupported JWE algorithm ${alg} / ${enc}`);
  const cek = randomBytes(spec.cekBytes);
  const iv = randomBytes(spec.ivBytes);
  const { ciphertext, tag } = spec.kind === 'cbc' ? cbcEncrypt(spec, cek, iv, plaintext, protectedB64) : gcmEncrypt(spec, cek, iv, plaintext, protectedB64);
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaep }, cek);
  return [protectedB64, encryptedKey, iv, ciphertext, tag].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/**
 * Decrypts after the caller has vetted the header. An unwrap failure does not stop early: a random
 * CEK takes its place, so every failure surfaces at the tag check (RFC 7516 §11.5).
 */
export async function decryptJwe(parts: JweParts, privateKey: RsaKey, alg: string, enc: string): Promise<Buffer> {
  const spec = CONTENT[enc];
  const oaep = OAEP_HASH[alg];
  if (!spec || !oaep) throw new JweDecryptionFailed();
  let cek: Buffer;
  try {
    cek = await sharedRsaPool().decrypt(privateKey.poolHandle(), oaep, parts.encryptedKey);
  } catch {
    cek = randomBytes(spec.cekBytes);
  }
  if (cek.length !== spec.cekBytes) cek = randomBytes(spec.cekBytes);
  if (parts.iv.length !== spec.ivBytes || parts.tag.length !== spec.tagBytes) throw new JweDecryptionFailed();
  return spec.kind === 'cbc' ? cbcDecrypt(spec, cek, parts, parts.protectedB64) : gcmDecrypt(spec, cek, parts, parts.protectedB64);
}

/** Deterministic content encryption with a given CEK and IV: for test vectors (RFC 7520, RFC 7518 B). */
export function contentEncrypt(enc: string, cek: Buffer, iv: Buffer, plaintext: Uint8Array, aad: string): { ciphertext: Buffer; tag: Buffer } {
  const spec = CONTENT[enc];
  if (!spec || cek.length !== spec.cekBytes || iv.length !== spec.ivBytes) throw new Error(`Bad ${enc} content parameters`);
  return spec.kind === 'cbc' ? cbcEncrypt(spec, cek, iv, plaintext, aad) : gcmEncrypt(spec, cek, iv, plaintext, aad);
}

/** The content-layer half of decryptJwe, with a known CEK. */
export function contentDecrypt(enc: string, cek: Buffer, parts: Omit<JweParts, 'encryptedKey'>): Buffer {
  const spec = CONTENT[enc];
  if (!spec || cek.length !== spec.cekBytes || parts.iv.length !== spec.ivBytes || parts.tag.length !== spec.tagBytes) {
    throw new JweDecryptionFailed();
  }
  const full = { ...parts, encryptedKey: Buffer.alloc(0) };
  return spec.kind === 'cbc' ? cbcDecrypt(spec, cek, full, parts.protectedB64) : gcmDecrypt(spec, cek, full, parts.protectedB64);
}

/** RFC 7518 §5.2.2.1: MAC_KEY first half, ENC_KEY second half; T = HMAC(AAD || IV || C || AL) truncated. */
function cbcTag(spec: CbcSpec, macKey: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length) * 8n);
  return createHmac(spec.hash, macKey).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, spec.tagBytes);
}

function cbcEncrypt(spec: CbcSpec, cek: Buffer, iv: Buffer, plaintext: Uint8Array, protectedB64: string) {
  const half = spec.cekBytes / 2;
  const cipher = createCipheriv(spec.cipher, cek.subarray(half), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cbcTag(spec, cek.subarray(0, half), Buffer.from(protectedB64, 'ascii'), iv, ciphertext) };
}

function cbcDecrypt(spec: CbcSpec, cek: Buffer, parts: JweParts, protectedB64: string): Buffer {
  const half = spec.cekBytes / 2;
  const expected = cbcTag(spec, cek.subarray(0, half), Buffer.from(protectedB64, 'ascii'), parts.iv, parts.ciphertext);
  // The tag is checked, in constant time, before any CBC decryption: no padding oracle.
  if (!timingSafeEqual(expected, parts.tag)) throw new JweDecryptionFailed();
  try {
    const decipher = createDecipheriv(spec.cipher, cek.subarray(half), parts.iv);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new JweDecryptionFailed();
  }
}

function gcmEncrypt(spec: GcmSpec, cek: Buffer, iv: Buffer, plaintext: Uint8Array, protectedB64: string) {
  const cipher = createCipheriv(spec.cipher as 'aes-128-gcm', cek, iv, { authTagLength: spec.tagBytes });
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function gcmDecrypt(spec: GcmSpec, cek: Buffer, parts: JweParts, protectedB64: string): Buffer {
  try {
    const decipher = createDecipheriv(spec.cipher as 'aes-128-gcm', cek, parts.iv, { authTagLength: spec.tagBytes });
    decipher.setAAD(Buffer.from(protectedB64, 'ascii'));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new JweDecryptionFailed();
  }
}
