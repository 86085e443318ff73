/**
 * Service allocation (upstream's service REST storage + ipallocator/portallocator): a ClusterIP from the
 * service CIDR for every Service but ExternalName and headless ones, NodePorts for NodePort and
 * LoadBalancer Services, both released when the Service goes. Reservations a failed write leaves behind are
 * released by the repair loop (repair.ts).
 */
import { carryOverServiceAllocations } from "../../api/defaults/index.js";
import { invalid, type FieldError } from "../../api/status.js";
import { isPlainObject, type StoredObject } from "../object.js";
import type { StrategyOverrides, WriteContext } from "../registry/strategy.js";
import { AlreadyAllocatedError, RangeExhaustedError, type RangeAllocator } from "./allocator.js";
import { ipToNumber, ipToString, NODE_PORT_RANGE, type ServiceCidr } from "./ranges.js";

export interface ServiceAllocators {
  readonly cidr: ServiceCidr;
  readonly cidrText: string;
  readonly clusterIPs: RangeAllocator;
  readonly nodePorts: RangeAllocator;
}

interface Held {
  readonly ip?: number;
  readonly ports: number[];
}

type Spec = Record<string, unknown> & { ports?: Record<string, unknown>[] };

const SERVICE = { group: "", kind: "Service" };

export function serviceStrategy(a: ServiceAllocators): StrategyOverrides {
  const reserved = new WeakMap<StoredObject, Held>();

  const release = async (held: Held): Promise<void> => {
    if (held.ip !== undefined) await a.clusterIPs.release(held.ip);
    for (const port of held.ports) await a.nodePorts.release(port);
  };

  return {
    async prepareForCreate(svc, context) {
      const held: Held = { ports: [] };
      try {
        await allocate(a, svc, undefined, context, held);
      } catch (error) {
        if (!context.dryRun) await release(held);
        throw error;
      }
      if (!context.dryRun) reserved.set(svc, held);
    },
    async createFailed(svc) {
      const held = reserved.get(svc);
      if (held) await release(held);
    },
    async prepareForUpdate(svc, old, context) {
      carryOverServiceAllocations(svc, old);
      await allocate(a, svc, old, context, { ports: [] });
    },
    async afterDelete(svc) {
      const spec = specOf(svc);
      const ip = typeof spec.clusterIP === "string" ? ipToNumber(spec.clusterIP) : undefined;
      await release({
        ip: ip === undefined ? undefined : ip - a.cidr.base,
        ports: (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === "number"),
      });
    },
  };
}

async function allocate(
  a: ServiceAllocators,
  svc: StoredObject,
  old: StoredObject | undefined,
  context: WriteContext,
  held: { ip?: number; ports: number[] },
): Promise<void> {
  const name = svc.metadata.name ?? "";
  const owner = `${svc.metadata.namespace ?? ""}/${name}`;
  const spec = specOf(svc);
  svc.spec = spec;
  const oldSpec = old ? specOf(old) : undefined;
  const errors: FieldError[] = [];

  if (spec.type !== "ExternalName") {
    const requested =
      typeof spec.clusterIP === "string" && spec.clusterIP !== "" ? spec.clusterIP : firstOf(spec.clusterIPs);
    const unchanged = oldSpec !== undefined && requested !== undefined && requested === oldSpec.clusterIP;
    if (requested === "None") {
      spec.clusterIP = "None";
      spec.clusterIPs = ["None"];
    } else if (!unchanged) {
      const ip = await allocateIP(a, requested, owner, context, errors);
      if (ip !== undefined) {
        held.ip = ip;
        spec.clusterIP = ipToString(a.cidr.base + ip);
        spec.clusterIPs = [spec.clusterIP];
      }
    }
    if (spec.clusterIP !== "None" && spec.clusterIP !== undefined) {
      spec.ipFamilies ??= ["IPv4"];
      spec.ipFamilyPolicy ??= "SingleStack";
    }
  }

  const wantsNodePorts =
    spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
  if (wantsNodePorts) {
    const oldPorts = new Set((oldSpec?.ports ?? []).map((p) => p.nodePort));
    for (const [i, port] of (spec.ports ?? []).entries()) {
      if (!isPlainObject(port)) continue;
      if (typeof port.nodePort === "number" && oldPorts.has(port.nodePort)) continue; // kept from before
      const field = `spec.ports[${i}].nodePort`;
      try {
        if (typeof port.nodePort === "number" && port.nodePort !== 0) {
          if (!a.nodePorts.contains(port.nodePort)) {
            errors.push({
              type: "FieldValueInvalid",
              field,
              value: port.nodePort,
              detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`,
            });
            continue;
          }
          await a.nodePorts.allocate(port.nodePort, owner, context.dryRun);
          held.ports.push(port.nodePort);
        } else {
          const allocated = await a.nodePorts.allocateNext(owner, context.dryRun);
          port.nodePort = allocated;
          held.ports.push(allocated);
        }
      } catch (error) {
        if (error instanceof AlreadyAllocatedError) {
          errors.push({
            type: "FieldValueInvalid",
            field,
            value: port.nodePort,
            detail: "provided port is already allocated",
          });
        } else if (error instanceof RangeExhaustedError) {
          errors.push({ type: "FieldValueInvalid", field, value: port.nodePort ?? 0, detail: "range is full" });
        } else throw error;
      }
    }
  }
  if (errors.length > 0) throw invalid(SERVICE, name, errors);
}

async function allocateIP(
  a: ServiceAllocators,
  requested: string | undefined,
  owner: string,
  context: WriteContext,
  errors: FieldError[],
): Promise<number | undefined> {
  const field = "spec.clusterIPs";
  const fail = (detail: string): undefined => {
    errors.push({
      type: "FieldValueInvalid",
      field,
      value: [requested],
      detail: `failed to allocate IP ${requested}: ${detail}`,
    });
    return undefined;
  };
  if (requested === undefined) {
    try {
      return await a.clusterIPs.allocateNext(owner, context.dryRun);
    } catch (error) {
      if (error instanceof RangeExhaustedError) {
        errors.push({
          type: "FieldValueInvalid",
          field,
          value: [],
          detail: "failed to allocate a serviceIP: range is full",
        });
        return undefined;
      }
      throw error;
    }
  }
  const n = ipToNumber(requested);
  if (n === undefined) return undefined; // validation reports the malformed IP
  const offset = n - a.cidr.base;
  if (!a.clusterIPs.contains(offset)) {
    return fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${a.cidrText}`);
  }
  try {
    await a.clusterIPs.allocate(offset, owner, context.dryRun);
    return offset;
  } catch (error) {
    if (error instanceof AlreadyAllocatedError) return fail("provided IP is already allocated");
    throw error;
  }
}

function specOf(svc: StoredObject): Spec {
  return (isPlainObject(svc.spec) ? svc.spec : {}) as Spec;
}

function firstOf(value: unknown): string | undefined {
  return Array.isArray(value) && typeof value[0] === "string" && value[0] !== "" ? value[0] : undefined;
}
