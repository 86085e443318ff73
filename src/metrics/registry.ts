/**
 * The process's Prometheus registry (prom-client), served at /metrics. Components register their own
 * metrics here; process and Node.js runtime metrics come with it.
 */
import { Registry, collectDefaultMetrics } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });
