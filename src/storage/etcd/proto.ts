/**
 * etcd's gRPC services, loaded at runtime from the .proto files the `etcd3` package ships (the same ones
 * its own client uses), with just enough typing for the calls this backend makes.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import type {
  CompactionRequest,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from "./wire.js";

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

/** Request and response type of each KV method we call. */
export interface KVMethods {
  Range: [RangeRequest, RangeResponse];
  Txn: [TxnRequest, TxnResponse];
  Compact: [CompactionRequest, unknown];
}

export type KVClient = grpc.Client & { [M in keyof KVMethods]: UnaryMethod<KVMethods[M][0], KVMethods[M][1]> };

export type WatchStream = grpc.ClientDuplexStream<WatchRequest, WatchResponse>;

export interface WatchClient extends grpc.Client {
  Watch(metadata: grpc.Metadata, options?: grpc.CallOptions): WatchStream;
}

interface ClientConstructor<C> {
  new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): C;
}

const require = createRequire(import.meta.url);
const protoFile = join(dirname(require.resolve("etcd3/package.json")), "proto", "rpc.proto");

// int64 as strings (revisions can exceed 2^31; we check they are safe integers), defaults so absent
// fields read as "0"/false/[], oneofs so a ResponseOp says which member is set.
const definition = loadSync(protoFile, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const pkg = grpc.loadPackageDefinition(definition).etcdserverpb as grpc.GrpcObject;

export const KV = pkg.KV as unknown as ClientConstructor<KVClient>;
export const Watch = pkg.Watch as unknown as ClientConstructor<WatchClient>;
