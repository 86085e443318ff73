/** The default profile's plugins, in upstream's order (filters run in this order; scores are weighted). */
import type { Plugin } from "../framework.js";
import { balancedAllocation } from "./balancedallocation.js";
import { imageLocality } from "./imagelocality.js";
import { interPodAffinity } from "./interpodaffinity.js";
import { nodeAffinity } from "./nodeaffinity.js";
import { nodeName } from "./nodename.js";
import { nodePorts } from "./nodeports.js";
import { nodeResourcesFit } from "./noderesourcesfit.js";
import { nodeUnschedulable } from "./nodeunschedulable.js";
import { podTopologySpread, type DefaultSelectorFn } from "./podtopologyspread.js";
import { taintToleration } from "./tainttoleration.js";

export function defaultPlugins(defaultSpreadSelector?: DefaultSelectorFn): Plugin[] {
  return [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeAffinity,
    nodePorts,
    nodeResourcesFit,
    podTopologySpread(defaultSpreadSelector),
    interPodAffinity,
    balancedAllocation,
    imageLocality,
  ];
}
