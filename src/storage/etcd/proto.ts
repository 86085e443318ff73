/**
 * etcd's gRPC methods: their paths and protobuf codecs, from the .proto files the `etcd3` package ships
 * (the same ones its own client uses), loaded with protobufjs. Decoded messages keep the .proto's
 * snake_case names; see wire.ts for their shapes.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import protobuf from "protobufjs";
import type {
  CompactionRequest,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from "./wire.js";

/** A gRPC method: where to send it and how its messages are encoded. */
export interface Method<Req, Res> {
  readonly path: string;
  encode(request: Req): Uint8Array;
  decode(bytes: Buffer): Res;
}

const require = createRequire(import.meta.url);
const protoFile = join(dirname(require.resolve("etcd3/package.json")), "proto", "rpc.proto");
const root = new protobuf.Root().loadSync(protoFile, { keepCase: true });

function method<Req, Res>(service: string, name: string, request: string, response: string): Method<Req, Res> {
  const requestType = root.lookupType(`etcdserverpb.${request}`);
  const responseType = root.lookupType(`etcdserverpb.${response}`);
  return {
    path: `/etcdserverpb.${service}/${name}`,
    encode: (message) => requestType.encode(message as object).finish(),
    decode: (bytes) => responseType.decode(bytes) as unknown as Res,
  };
}

/** The KV methods this backend calls, with their request and response types. */
export const KV = {
  Range: method<RangeRequest, RangeResponse>("KV", "Range", "RangeRequest", "RangeResponse"),
  Txn: method<TxnRequest, TxnResponse>("KV", "Txn", "TxnRequest", "TxnResponse"),
  Compact: method<CompactionRequest, unknown>("KV", "Compact", "CompactionRequest", "CompactionResponse"),
};

export type KVMethods = typeof KV;

/** Watch: a bidirectional stream of WatchRequests and WatchResponses. */
export const WATCH = method<WatchRequest, WatchResponse>("Watch", "Watch", "WatchRequest", "WatchResponse");
