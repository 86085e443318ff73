/** The first usable IP of a CIDR: the `kubernetes` service's ClusterIP (10.43.0.0/16 → 10.43.0.1). */
import { isIP } from "node:net";
import { canonicalIP } from "./certs.js";

function toBigInt(ip: string, version: 4 | 6): bigint {
  if (version === 4) return ip.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  const text = canonicalIP(ip); // also turns an embedded IPv4 tail into hex groups
  const [head = "", tail = ""] = text.includes("::") ? text.split("::") : [text, ""];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function fromBigInt(value: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  return canonicalIP(groups.join(":"));
}

export function firstServiceIP(cidr: string): string {
  const [address = "", prefixText = ""] = cidr.trim().split("/");
  const version = isIP(address);
  const bits = version === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if ((version !== 4 && version !== 6) || !/^\d+$/.test(prefixText) || prefix > bits - 2) {
    throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}`);
  }
  const hostBits = BigInt(bits - prefix);
  const network = (toBigInt(address, version) >> hostBits) << hostBits;
  return fromBigInt(network + 1n, version);
}
