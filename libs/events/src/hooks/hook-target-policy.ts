import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Never a hook target, whatever the allow-list says: link-local and cloud metadata ranges, "this host". */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addAddress('::', 'ipv6');

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true });

/**
 * An IPv4 address written as IPv6 is checked as what it is: ::ffff:a.b.c.d, and the hex form ::ffff:7f00:1 that
 * URL parsing turns it into (http://[::ffff:127.0.0.1]/ has the hostname [::ffff:7f00:1]).
 */
function plain(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return { address: dotted[1], type: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), type: 'ipv4' };
  }
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** A name server that does not answer in time is a failure of the moment, like one that answers nothing. */
const LOOKUP_TIMEOUT_MS = 2000;

class LookupTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * Where a delivery may connect; or why it may not (final: the policy refuses it); or why not now (the name did
 * not resolve, or not in time: a name server's blip, retried like any network failure).
 */
export type Target = { address: string; family: number } | { refused: string } | { unresolved: string };

/**
 * Where hooks may send events (HOOK_ALLOWED_TARGETS): hostnames allowed by name, and address ranges
 * (CIDR) allowed by number; link-local and metadata ranges, 0.0.0.0 and the service's own database are
 * refused always. A URL is checked when a hook is registered and resolved and checked again at every
 * delivery, which then connects to the very address checked (no DNS rebinding in between).
 */
export class HookTargetPolicy {
  private readonly names = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(
    allowList: string[],
    private readonly database?: { host: string; port: number },
    private readonly resolve: Resolve = systemResolve,
  ) {
    for (const entry of allowList.map((e) => e.trim().toLowerCase()).filter(Boolean)) {
      const [address, bits] = entry.split('/');
      const version = isIP(unbracket(address));
      if (version)
        this.ranges.addSubnet(
          unbracket(address),
          Number(bits ?? (version === 4 ? 32 : 128)),
          version === 4 ? 'ipv4' : 'ipv6',
        );
      else this.names.add(entry);
    }
  }

  /** From the configuration: HOOK_ALLOWED_TARGETS, and the database the service uses (never a target). */
  static fromConfig(allowList: string, databaseUrl?: string): HookTargetPolicy {
    const database = databaseUrl ? new URL(databaseUrl) : undefined;
    return new HookTargetPolicy(
      allowList.split(','),
      database && { host: unbracket(database.hostname), port: Number(database.port || 5432) },
    );
  }

  /** The address a delivery to `url` may connect to, or why it may not. */
  async target(url: string): Promise<Target> {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) return { refused: 'the URL must be http or https' };
    if (parsed.username || parsed.password) return { refused: 'the URL must not carry a user name or password' };
    const host = unbracket(parsed.hostname).toLowerCase();
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const byName = this.names.has(host);
    if (!byName && !this.ranges.rules.length) return { refused: `${host} is not in HOOK_ALLOWED_TARGETS` };
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host)
        ? [{ address: host, family: isIP(host) }]
        : await withTimeout(this.resolve(host), LOOKUP_TIMEOUT_MS);
    } catch (error) {
      const late = error instanceof LookupTimeout;
      return { unresolved: `${late ? 'name not resolved in time' : 'name not resolved'}: ${host}` };
    }
    for (const { address } of addresses) {
      const ip = plain(address);
      if (ALWAYS_REFUSED.check(ip.address, ip.type))
        return { refused: `${address} is a link-local, metadata or unspecified address` };
      if (await this.isDatabase(ip.address, port))
        return { refused: "the service's own database is never a hook target" };
      if (!byName && !this.ranges.check(ip.address, ip.type))
        return { refused: `${host} (${address}) is not in HOOK_ALLOWED_TARGETS` };
    }
    if (!addresses.length) return { unresolved: `name not resolved: ${host}` };
    return addresses[0];
  }

  private async isDatabase(address: string, port: number): Promise<boolean> {
    if (!this.database || port !== this.database.port) return false;
    const database = isIP(this.database.host)
      ? [this.database.host]
      : (await withTimeout(this.resolve(this.database.host), LOOKUP_TIMEOUT_MS).catch(() => [])).map((a) => a.address);
    return database.map((a) => plain(a).address).includes(address);
  }
}
