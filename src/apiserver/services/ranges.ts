/** The service CIDR and NodePort range as allocators (IPv4 service CIDRs for now). */
import type { Store } from "../../storage/types.js";
import { RangeAllocator } from "./allocator.js";

export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;

export interface ServiceCidr {
  /** The network address as a 32-bit number. */
  readonly base: number;
  readonly size: number;
}

export function parseServiceCidr(cidr: string): ServiceCidr {
  const [ip, bitsText] = cidr.split("/");
  const octets = (ip ?? "").split(".").map(Number);
  const bits = Number(bitsText);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`service CIDR ${cidr} is not an IPv4 CIDR (IPv6 service CIDRs are not supported yet)`);
  }
  if (!Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`service CIDR ${cidr} must be /8 to /30`);
  const size = 2 ** (32 - bits);
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  return { base: address - (address % size), size };
}

export function ipToString(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function ipToNumber(ip: string): number | undefined {
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** Offsets 1 … size-2 (no network or broadcast address); offset 1 is the `kubernetes` service's. */
export function clusterIPAllocator(store: Store, cidr: ServiceCidr): RangeAllocator {
  // Upstream's static band: min(max(16, size/16), 256) low addresses are left for requested IPs.
  const staticBand = Math.min(Math.max(16, Math.floor(cidr.size / 16)), 256);
  return new RangeAllocator({
    store,
    prefix: "/registry/skiff.io/serviceips/",
    first: 1,
    last: cidr.size - 2,
    dynamicFrom: staticBand,
    toName: (offset) => ipToString(cidr.base + offset),
    fromName: (name) => {
      const n = ipToNumber(name);
      return n === undefined ? undefined : n - cidr.base;
    },
  });
}

export function nodePortAllocator(store: Store): RangeAllocator {
  return new RangeAllocator({
    store,
    prefix: "/registry/skiff.io/servicenodeports/",
    first: NODE_PORT_RANGE.first,
    last: NODE_PORT_RANGE.last,
    dynamicFrom: NODE_PORT_RANGE.first + 86, // upstream's static band for the default range
    toName: (port) => String(port),
    fromName: (name) => (/^\d+$/.test(name) ? Number(name) : undefined),
  });
}
