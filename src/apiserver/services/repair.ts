/**
 * Releases reservations no Service holds (upstream's ipallocator/portallocator repair controllers): left
 * behind by a failed write, a crash between reserving and storing, or an update that dropped a NodePort.
 * A reservation must be unreferenced on two passes in a row before it goes, so a create in flight (reserved,
 * not yet stored) is never robbed.
 */
import type { Logger } from "../../util/log.js";
import { isPlainObject, type StoredObject } from "../object.js";
import type { ServiceAllocators } from "./strategy.js";
import { ipToNumber } from "./ranges.js";

export interface ServiceRepair {
  /** One pass: resolves with what it released. */
  run(): Promise<{ ips: number[]; ports: number[] }>;
  stop(): void;
}

export function startServiceRepair(
  a: ServiceAllocators,
  listServices: () => Promise<StoredObject[]>,
  log: Logger,
  intervalMs = 60_000,
): ServiceRepair {
  let suspectIPs = new Set<number>();
  let suspectPorts = new Set<number>();
  const run = async (): Promise<{ ips: number[]; ports: number[] }> => {
    const heldIPs = new Set<number>();
    const heldPorts = new Set<number>();
    for (const svc of await listServices()) {
      const spec = isPlainObject(svc.spec) ? svc.spec : {};
      const ip = typeof spec.clusterIP === "string" ? ipToNumber(spec.clusterIP) : undefined;
      if (ip !== undefined) heldIPs.add(ip - a.cidr.base);
      for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
        if (isPlainObject(p) && typeof p.nodePort === "number") heldPorts.add(p.nodePort);
      }
    }
    const released = { ips: [] as number[], ports: [] as number[] };
    const nextIPs = new Set<number>();
    for (const ip of await a.clusterIPs.allocated()) {
      if (heldIPs.has(ip)) continue;
      if (suspectIPs.has(ip)) {
        await a.clusterIPs.release(ip);
        released.ips.push(ip);
      } else nextIPs.add(ip);
    }
    const nextPorts = new Set<number>();
    for (const port of await a.nodePorts.allocated()) {
      if (heldPorts.has(port)) continue;
      if (suspectPorts.has(port)) {
        await a.nodePorts.release(port);
        released.ports.push(port);
      } else nextPorts.add(port);
    }
    suspectIPs = nextIPs;
    suspectPorts = nextPorts;
    if (released.ips.length + released.ports.length > 0) log.info(released, "released leaked service allocations");
    return released;
  };
  const timer = setInterval(() => {
    run().catch((err: unknown) => log.warn({ err }, "service allocation repair failed; will retry"));
  }, intervalMs);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
