/**
 * Request bodies: read with a 3 MiB limit (413 beyond, like kube-apiserver's MaxRequestBodyBytes), decoded
 * from JSON, YAML or Kubernetes protobuf (kubectl 1.32+ typed writes) by Content-Type.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from "../api/status.js";
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE, type DecodeDefaults } from "../api/protobuf/index.js";
import { isPlainObject, type KubeObject } from "./object.js";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(`limit is ${limit}`));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Listeners rather than `for await`: for the small bodies of most requests, setting up the stream's async
  // iterator cost more than reading the body.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: unknown): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", settle);
      req.off("close", onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        settle(requestEntityTooLarge(`limit is ${limit}`));
        req.resume(); // drain the rest without keeping it
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onClose = (): void => settle(new Error("the client closed the connection before the whole body arrived"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", settle);
    req.on("close", onClose);
  });
}

/** The media type of a Content-Type header without parameters ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Decodes an object body (create, update, subresources); a missing Content-Type is JSON, as upstream. */
export function decodeObject(body: Buffer, contentType: string, defaults: DecodeDefaults = {}): KubeObject {
  let value: unknown;
  switch (contentType) {
    case PROTOBUF_MEDIA_TYPE:
      value = decodeKubernetesProtobuf(body, defaults).object;
      break;
    case "":
    case "application/json":
    case "*/*":
      value = parseJson(body);
      break;
    case "application/yaml":
      value = parseYamlBody(body);
      break;
    default:
      throw unsupportedMediaType(contentType);
  }
  if (!isPlainObject(value)) {
    throw badRequest(`Object 'Kind' is missing in '${body.toString("utf8").slice(0, 200)}'`);
  }
  return value as KubeObject;
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw badRequest("Object 'Kind' is missing in ''");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString("utf8"), { prettyErrors: false });
  } catch (error) {
    throw badRequest(`error converting YAML to JSON: yaml: ${(error as Error).message.split("\n")[0]}`);
  }
}
