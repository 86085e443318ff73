/** What every resource handler gets: the parsed request, the resource's storage, and the negotiated answer. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceType } from "../../api/resources/types.js";
import type { AuthorizationAttributes, AuthorizationDecision, UserInfo } from "../../auth/types.js";
import type { Logger } from "../../util/log.js";
import type { RequestInfo } from "../requestinfo.js";
import type { AdmissionHooks, AdmissionOperation } from "../admission.js";
import type { RegistryStore } from "../registry/store.js";
import type { Cacher } from "../watchcache/cacher.js";
import type { ResourceRegistry as ApiResourceRegistry } from "../../api/resources/registry.js";

export interface ResourceRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly info: RequestInfo;
  readonly type: ResourceType;
  readonly registry: RegistryStore;
  readonly cacher: Cacher;
  readonly log: Logger;
  /** The storage of another served resource (e.g. pods for bindings and evictions). */
  registryFor(group: string, version: string, resource: string): RegistryStore | undefined;
  /** The served resources, for lookups across types. */
  readonly resources: ApiResourceRegistry;
  /** The object name from the path ("" for collections). */
  readonly name: string;
  /** The namespace from the path ("" for cluster-scoped resources and all-namespace requests). */
  readonly namespace: string;
  /** Who is asking (system:admin when the server has no authenticator). */
  readonly user: UserInfo;
  /** The server's authorization decision for other attributes (reviews). */
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision>;
  /** Whether a real authorizer is configured (otherwise everything is allowed). */
  readonly authorizerConfigured: boolean;
  /** The admission chain for a write of this request (undefined without plugins). */
  admission(operation: AdmissionOperation, dryRun: boolean): AdmissionHooks | undefined;
  /** Watch tuning (tests shorten it). */
  readonly watch: WatchTuning;
}

export interface WatchTuning {
  /** How often a watcher that allows bookmarks gets one (upstream: about a minute). */
  readonly bookmarkIntervalMs: number;
  /** A watcher whose socket buffer stays full this long is cut off. */
  readonly slowWatcherCutoffMs: number;
  /** …or whose unsent output exceeds this many bytes. */
  readonly maxBufferedBytes: number;
}
