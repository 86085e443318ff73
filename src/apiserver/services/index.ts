/** Service ClusterIP and NodePort allocation; see strategy.ts and README.md in the parent folder. */
import type { Store } from "../../storage/types.js";
import { clusterIPAllocator, nodePortAllocator, parseServiceCidr } from "./ranges.js";
import type { ServiceAllocators } from "./strategy.js";

export { serviceStrategy, type ServiceAllocators } from "./strategy.js";

export function makeServiceAllocators(store: Store, cidr: string): ServiceAllocators {
  const parsed = parseServiceCidr(cidr);
  return {
    cidr: parsed,
    cidrText: cidr,
    clusterIPs: clusterIPAllocator(store, parsed),
    nodePorts: nodePortAllocator(store),
  };
}
