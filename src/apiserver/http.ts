/** Writing answers: objects in the negotiated format, and Status errors. */
import type { ServerResponse } from "node:http";
import { stringify } from "yaml";
import type { StatusError } from "../api/status.js";
import type { Negotiated } from "./negotiate.js";
import { jsonOf } from "./encoded.js";

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = "application/json"): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  // The string goes to the socket as is (no intermediate Buffer to allocate and collect).
  const data = jsonOf(body);
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(data) });
  res.end(data);
}

export function writeNegotiated(res: ServerResponse, code: number, body: unknown, negotiated: Negotiated): void {
  if (negotiated.format === "yaml") {
    const data = Buffer.from(stringify(body));
    res.writeHead(code, { "Content-Type": negotiated.contentType, "Content-Length": data.length });
    res.end(data);
    return;
  }
  writeJson(res, code, body, negotiated.contentType);
}

export function writeStatus(res: ServerResponse, error: StatusError): void {
  writeJson(res, error.code, error.status);
}
