/** networking.k8s.io/v1 NetworkPolicy validation (pkg/apis/networking/validation, v1.33). */
import type {
  IPBlock,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
} from "kubernetes-types/networking/v1.js";
import { goQuote } from "../selectors/goformat.js";
import { validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { GoRepr, forbidden, invalid, notSupported, required } from "./errors.js";
import { isValidIP, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];
const CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

interface Net {
  readonly bits: 32 | 128;
  /** The network address (host bits cleared). */
  readonly base: bigint;
  readonly prefix: number;
}

function parseIPv4(s: string): bigint {
  return s.split(".").reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIP(s: string): { bits: 32 | 128; value: bigint } | undefined {
  if (!isValidIP(s)) return undefined;
  if (!s.includes(":")) return { bits: 32, value: parseIPv4(s) };
  let tail: bigint[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = `${s.slice(0, lastColon + 1)}`;
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const groups = (t: string): bigint[] => (t === "" ? [] : t.split(":").map((g) => BigInt(`0x${g}`)));
  let words: bigint[];
  if (text.includes("::")) {
    const [head = "", rest = ""] = text.split("::");
    const h = groups(head);
    const r = [...groups(rest), ...tail];
    words = [...h, ...Array<bigint>(8 - h.length - r.length).fill(0n), ...r];
  } else {
    words = [...groups(text), ...tail];
  }
  if (words.length !== 8) return undefined;
  // An IPv4-mapped address is IPv4 to Go's net package.
  const value = words.reduce((acc, w) => (acc << 16n) | w, 0n);
  return { bits: 128, value };
}

/** netutils.ParseCIDRSloppy. */
function parseCIDR(s: string): Net | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const mask = s.slice(slash + 1);
  if (!ip || !/^\d+$/.test(mask)) return undefined;
  const prefix = Number(mask);
  if (prefix > ip.bits) return undefined;
  const hostBits = BigInt(ip.bits - prefix);
  return { bits: ip.bits, base: (ip.value >> hostBits) << hostBits, prefix };
}

function contains(net: Net, other: Net): boolean {
  if (net.bits !== other.bits) return false;
  const hostBits = BigInt(net.bits - net.prefix);
  return other.base >> hostBits === net.base >> hostBits;
}

/** ValidateIPBlock. */
function validateIPBlock(ipb: IPBlock, path: string): FieldError[] {
  if (!ipb.cidr) return [required(`${path}.cidr`)];
  const net = parseCIDR(ipb.cidr);
  if (!net) return [invalid(`${path}.cidr`, ipb.cidr, CIDR_MSG)];
  const errs: FieldError[] = [];
  (ipb.except ?? []).forEach((except, i) => {
    const at = `${path}.except[${i}]`;
    const ex = parseCIDR(except);
    if (!ex) {
      errs.push(invalid(at, except, CIDR_MSG));
      return;
    }
    if (!contains(net, ex) || ex.prefix <= net.prefix)
      errs.push(invalid(at, except, "must be a strict subset of `cidr`"));
  });
  return errs;
}

/** ValidateNetworkPolicyPort. */
function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const proto = port.protocol;
  if (proto !== undefined && proto !== null && !PROTOCOLS.includes(proto)) {
    errs.push(notSupported(`${path}.protocol`, proto, PROTOCOLS));
  }
  const endPort = port.endPort;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (port.port !== undefined && port.port !== null) {
    if (typeof port.port === "number") {
      const p = port.port;
      for (const m of isValidPortNum(p)) errs.push(invalid(`${path}.port`, p, m));
      if (hasEnd) {
        // Upstream reports the port, not the endPort, as the bad value here.
        if (endPort < p) errs.push(invalid(`${path}.endPort`, p, "must be greater than or equal to `port`"));
        for (const m of isValidPortNum(endPort)) errs.push(invalid(`${path}.endPort`, endPort, m));
      }
    } else {
      if (hasEnd) errs.push(invalid(`${path}.endPort`, endPort, "may not be specified when `port` is non-numeric"));
      for (const m of isValidPortName(port.port)) errs.push(invalid(`${path}.port`, port.port, m));
    }
  } else if (hasEnd) {
    errs.push(invalid(`${path}.endPort`, endPort, "may not be specified when `port` is not specified"));
  }
  return errs;
}

/** ValidateNetworkPolicyPeer. */
function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (n === 0) errs.push(required(path, "must specify a peer"));
  else if (n > 1 && peer.ipBlock) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

/** ValidateNetworkPolicySpec. */
function validateSpec(spec: NetworkPolicySpec): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector ?? {}, "spec.podSelector");
  (spec.ingress ?? []).forEach((rule, i) => {
    const at = `spec.ingress[${i}]`;
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `${at}.ports[${j}]`)));
    (rule.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, `${at}.from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const at = `spec.egress[${i}]`;
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `${at}.ports[${j}]`)));
    (rule.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, `${at}.to[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > POLICY_TYPES.length) {
    const text = `[]networking.PolicyType{${types.map(goQuote).join(", ")}}`;
    errs.push(invalid("spec.policyTypes", new GoRepr(text), "may not specify more than two policyTypes"));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  return errs;
}

/** ValidateNetworkPolicy / ValidateNetworkPolicyUpdate. */
export function validateNetworkPolicy(np: NetworkPolicy, old?: NetworkPolicy): FieldError[] {
  const meta = old
    ? validateObjectMetaUpdate(np.metadata, old.metadata)
    : validateObjectMeta(np.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  return [...meta, ...validateSpec(np.spec ?? ({} as NetworkPolicySpec))];
}
