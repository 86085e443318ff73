/**
 * The controller manager: runs every controller over one client and one shared informer factory, as
 * kube-controller-manager does. `runControllerManager` returns once `signal` aborts and every controller has
 * stopped; leader election (src/server/components.ts) decides when it runs.
 */
import { createEventRecorder } from "../client/events.js";
import { createInformerFactory } from "../client/informer.js";
import type { Client, EventRecorder } from "../client/types.js";
import type { Logger } from "../util/log.js";
import {
  DEFAULT_CONTROLLER_OPTIONS,
  type Controller,
  type ControllerContext,
  type ControllerOptions,
} from "./types.js";

export interface ControllerManagerOptions {
  readonly client: Client;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly controllers: readonly Controller[];
  readonly options?: Partial<ControllerOptions>;
  /** Reported as the events' source host. */
  readonly host?: string;
}

export async function runControllerManager(manager: ControllerManagerOptions): Promise<void> {
  const { client, log, signal } = manager;
  const informers = createInformerFactory(client, { log: log.child({ component: "informers" }) });
  const recorders = new Map<string, EventRecorder>();
  const options: ControllerOptions = { ...DEFAULT_CONTROLLER_OPTIONS, ...manager.options };
  const recorder = (component: string): EventRecorder => {
    let r = recorders.get(component);
    if (!r) {
      r = createEventRecorder(client, component, log, manager.host);
      recorders.set(component, r);
    }
    return r;
  };
  const runs = manager.controllers.map(async (controller) => {
    const context: ControllerContext = {
      client,
      informers,
      recorder,
      log: log.child({ controller: controller.name }),
      signal,
      options,
    };
    try {
      await controller.run(context);
    } catch (error) {
      if (!signal.aborted) log.error({ err: error, controller: controller.name }, "controller stopped with an error");
    }
  });
  informers.start();
  log.info({ controllers: manager.controllers.map((c) => c.name) }, "controllers started");
  await Promise.all(runs);
  informers.stop();
}
