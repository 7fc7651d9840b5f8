import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface TargetPolicy {
  allowHttp: boolean;
  allowPrivateNetworks: boolean;
}

/** Why a URL may not receive webhooks, or undefined when it may (syntax only; addresses are checked separately). */
export function urlProblem(raw: string, policy: TargetPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) return policy.allowHttp ? 'must be http(s)' : 'must be https';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (raw.length > 2_000) return 'is too long';
  return undefined;
}

/**
 * Whether an address is one anybody on the internet could reach: not loopback, private, link-local
 * (cloud metadata at 169.254.169.254), unique-local, carrier NAT, multicast, reserved or unspecified.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/**
 * The addresses a host name resolves to, all of which must be public (unless private networks are
 * allowed). Called at registration and again at every delivery, where the connection is made to
 * the checked address itself, so a DNS answer that changes in between cannot point us inward.
 */
export async function resolveAllowed(host: string, policy: TargetPolicy): Promise<{ address: string; family: number }[] | string> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = ipaddr.isValid(bare) ? [{ address: bare, family: bare.includes(':') ? 6 : 4 }] : await lookup(bare, { all: true, verbatim: true });
  } catch {
    return 'does not resolve';
  }
  if (!addresses.length) return 'does not resolve';
  if (!policy.allowPrivateNetworks && addresses.some((a) => !isPublicAddress(a.address))) return 'resolves to a private, loopback or link-local address';
  return addresses;
}
