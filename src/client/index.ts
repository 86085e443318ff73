/** The client package: REST client, informers, work queues, events, leader election and kubeconfig loading. */
export * from "./types.js";
export * from "./resources.js";
export * from "./keys.js";
export * from "./rest.js";
export * from "./workqueue.js";
export * from "./informer.js";
export * from "./kubeconfig.js";
export * from "./events.js";
export * from "./leaderelection.js";
