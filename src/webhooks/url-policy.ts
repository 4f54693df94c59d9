import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** A host name's addresses, as the system resolver gives them. */
export type Resolve = (hostname: string) => Promise<string[]>;

export const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Internal destinations the operator lets webhooks reach: host names as written, and address ranges. */
export interface AllowList {
  readonly hosts: ReadonlySet<string>;
  readonly networks: ReadonlyArray<readonly [ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export const NOTHING_ALLOWED: AllowList = { hosts: new Set(), networks: [] };

/** Where webhooks may go: what the operator allows, and how host names are resolved. */
export interface DestinationPolicy {
  /** `http://` too, to loopback and to what `allow` lists (VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1); loopback is then allowed over https as well. */
  readonly allowHttp: boolean;
  /** VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS. */
  readonly allow: AllowList;
  readonly resolve: Resolve;
}

/**
 * Reads VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS's entries: an address (`10.20.0.5`, `fd00::5`), a range
 * (`10.20.0.0/24`) or a host name (`lp-desk.store.internal`, every address it resolves to).
 */
export function parseAllowList(entries: readonly string[]): { list: AllowList } | { problem: string } {
  const hosts = new Set<string>();
  const networks: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  for (const entry of entries) {
    if (ipaddr.isValidCIDR(entry)) networks.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = plain(ipaddr.parse(entry));
      networks.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(entry)) hosts.add(entry.toLowerCase());
    else return { problem: `${entry} is neither a host name, an IP address nor a range such as 10.20.0.0/24` };
  }
  return { list: { hosts, networks } };
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address: it reaches the same host. */
function plain(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function listed(address: ipaddr.IPv4 | ipaddr.IPv6, allow: AllowList): boolean {
  return allow.networks.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/** Where to connect: the one address checked, so that the name is not resolved again in between. */
export interface Destination {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

/** Said of every refused destination alike: which of the reasons it was is nobody's business but the operator's. */
const REFUSED =
  'the host is not a public address this service may send to (loopback, private, link-local and other internal addresses are refused unless VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS lists them)';

/** Why a URL can never be a webhook, whatever it resolves to; undefined if it may be one. */
function urlProblem(parsed: URL, allowHttp: boolean): string | undefined {
  if (parsed.username || parsed.password) return 'a webhook URL must not carry a user name or password; the signature is the credential';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') return allowHttp ? undefined : 'only https:// URLs (http:// to this machine needs VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1)';
  return 'only https:// URLs';
}

/**
 * Where a webhook to `url` may be sent, or why not. The host is resolved and every address it has must
 * be public, or listed in VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS (by address, range or the host's name), or
 * loopback when VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1; `http://` goes only to such an internal receiver,
 * never across the internet. Checked when the webhook is made and again before every attempt: a name
 * that resolves elsewhere now, or a setting turned off, stops deliveries at once.
 */
export async function checkDestination(url: string, { allowHttp, allow, resolve }: DestinationPolicy): Promise<{ destination: Destination } | { problem: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'not a URL' };
  }
  const problem = urlProblem(parsed, allowHttp);
  if (problem) return { problem };
  // The URL parser has already turned 0x7f.1, 2130706433 and the like into dotted quads.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : await resolve(host);
  } catch {
    return { problem: REFUSED };
  }
  if (addresses.length === 0 || !addresses.every((address) => ipaddr.isValid(address))) return { problem: REFUSED };
  const internalAllowed = (address: ipaddr.IPv4 | ipaddr.IPv6) =>
    allow.hosts.has(host) || listed(address, allow) || (allowHttp && address.range() === 'loopback');
  const parsedAddresses = addresses.map((address) => plain(ipaddr.parse(address)));
  // Only ipaddr.js's `unicast` is the public internet: loopback, private, link-local (cloud metadata),
  // CGNAT, multicast, broadcast, unspecified, unique-local, reserved and documentation ranges, and the
  // IPv6 forms that carry an IPv4 address inside (NAT64, 6to4, Teredo) are all something else.
  const allowed = parsedAddresses.every((address) => (parsed.protocol === 'https:' && address.range() === 'unicast') || internalAllowed(address));
  if (!allowed) {
    return { problem: parsed.protocol === 'http:' && parsedAddresses.every((address) => address.range() === 'unicast') ? 'http:// is only for this machine or a receiver VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS lists; use https://' : REFUSED };
  }
  const first = parsedAddresses[0]!;
  return { destination: { url: parsed, address: first.toString(), family: first.kind() === 'ipv4' ? 4 : 6 } };
}
