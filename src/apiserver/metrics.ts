/**
 * Request metrics with upstream's names and labels (apiserver_request_total, apiserver_request_duration_seconds,
 * apiserver_longrunning_requests), registered once in the process registry served at /metrics.
 */
import { Counter, Gauge, Histogram } from "prom-client";
import { metricsRegistry } from "../metrics/registry.js";
import type { RequestInfo } from "./requestinfo.js";

const LABELS = ["verb", "group", "version", "resource", "subresource", "scope", "component"] as const;

const requests = new Counter({
  name: "apiserver_request_total",
  help: "Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.",
  labelNames: [...LABELS, "code"],
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: "apiserver_request_duration_seconds",
  help: "Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.",
  labelNames: [...LABELS],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 10, 15, 30, 60],
  registers: [metricsRegistry],
});

const longRunning = new Gauge({
  name: "apiserver_longrunning_requests",
  help: "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.",
  labelNames: [...LABELS],
  registers: [metricsRegistry],
});

const VERBS: Readonly<Record<string, string>> = {
  get: "GET",
  list: "LIST",
  watch: "WATCH",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  delete: "DELETE",
  deletecollection: "DELETECOLLECTION",
};

type Labels = Record<(typeof LABELS)[number], string>;

function labelsOf(method: string, info: RequestInfo | undefined): Labels {
  const resource = info?.isResourceRequest === true;
  return {
    verb: resource ? (VERBS[info.verb] ?? info.verb.toUpperCase()) : method,
    group: resource ? info.apiGroup : "",
    version: resource ? info.apiVersion : "",
    resource: resource ? info.resource : "",
    subresource: resource ? info.subresource : "",
    scope: !resource ? "" : info.namespace ? "namespace" : info.name ? "resource" : "cluster",
    component: "apiserver",
  };
}

/** Measures one request; call `done` once with the response code (watches count as long-running). */
export function observeRequest(method: string): {
  setInfo(info: RequestInfo): void;
  done(code: number): void;
} {
  const start = performance.now();
  let info: RequestInfo | undefined;
  let watching: Labels | undefined;
  return {
    setInfo(i) {
      info = i;
      if (i.verb === "watch") {
        watching = labelsOf(method, i);
        longRunning.inc(watching);
      }
    },
    done(code) {
      const labels = labelsOf(method, info);
      requests.inc({ ...labels, code: String(code) });
      if (watching) longRunning.dec(watching);
      else duration.observe(labels, (performance.now() - start) / 1000);
    },
  };
}
