/**
 * Fake addresses for hollow nodes: node i gets InternalIP number i+1 of 10.200.0.0/16 and the i-th /24 of the
 * pod CIDR; pods get free addresses of their node's /24. Nothing ever connects to them; they only have to be
 * unique and look right.
 */
export function ipToNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${ip}`);
  }
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Parses "a.b.c.d/bits" into its network number and prefix length. */
export function parseCidr(cidr: string): { network: number; bits: number } {
  const [ip, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new RangeError(`not an IPv4 CIDR: ${cidr}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { network: (ipToNumber(ip!) & mask) >>> 0, bits };
}

const NODE_NETWORK = ipToNumber("10.200.0.0");

/** The InternalIP of hollow node number `index` (0-based): 10.200.0.1, 10.200.0.2, … (65,534 nodes). */
export function nodeInternalIp(index: number): string {
  if (index < 0 || index >= 65_534) throw new RangeError("at most 65,534 hollow nodes per simulator");
  return numberToIp(NODE_NETWORK + index + 1);
}

/** The pod CIDR (a /24) of node number `index` inside `clusterCidr`; throws when the cluster CIDR is too small. */
export function nodePodCidr(clusterCidr: string, index: number): string {
  const { network, bits } = parseCidr(clusterCidr);
  if (bits > 24 || index >= 2 ** (24 - bits)) {
    throw new RangeError(`cluster CIDR ${clusterCidr} has no room for a /24 for node number ${index + 1}`);
  }
  return `${numberToIp(network + index * 256)}/24`;
}

/** Hands out the addresses .1 … .254 of one node's /24, reusing freed ones. */
export class PodIpPool {
  readonly #base: number;
  readonly #used = new Set<number>();
  #next = 1;

  constructor(podCidr: string) {
    this.#base = parseCidr(podCidr).network;
  }

  /** A free address, or undefined when all 254 are taken. */
  allocate(): string | undefined {
    for (let tries = 0; tries < 254; tries++) {
      const host = this.#next;
      this.#next = (this.#next % 254) + 1;
      if (!this.#used.has(host)) {
        this.#used.add(host);
        return numberToIp(this.#base + host);
      }
    }
    return undefined;
  }

  /** Marks an address as taken (a pod that already had it, e.g. after a restart of the simulator). */
  claim(ip: string): void {
    const host = ipToNumber(ip) - this.#base;
    if (host >= 1 && host <= 254) this.#used.add(host);
  }

  release(ip: string): void {
    this.#used.delete(ipToNumber(ip) - this.#base);
  }
}
