import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChunkedLines } from "./chunked-lines.js";

const HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

function chunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

/** Feeds `wire` in pieces of `size` bytes (copied into a reused buffer, like `onread`); returns the lines. */
function read(wire: string, size: number): { lines: string[]; parser: ChunkedLines } {
  const lines: string[] = [];
  const parser = new ChunkedLines((buffer, start, end) => lines.push(buffer.toString("utf8", start, end)));
  const bytes = Buffer.from(wire);
  const scratch = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) {
    const n = bytes.copy(scratch, 0, at, Math.min(bytes.length, at + size));
    parser.push(scratch.subarray(0, n));
    scratch.fill(0x7e); // the reader must not keep references into a reused buffer
  }
  return { lines, parser };
}

describe("ChunkedLines", () => {
  const events = ['{"type":"ADDED","object":{"a":1}}\n', '{"type":"ADDED","object":{"b":"é"}}\n'];

  it("hands out every line whatever the read sizes, including lines split across chunks", () => {
    const wire =
      HEAD +
      chunk(events[0]!) +
      chunk(events[1]!.slice(0, 10)) +
      chunk(events[1]!.slice(10)) +
      chunk(events.join("")) +
      "0\r\n\r\n";
    const expected = [...events, ...events].map((line) => line.trimEnd());
    for (let size = 1; size <= wire.length; size++) {
      const { lines, parser } = read(wire, size);
      assert.deepEqual(lines, expected, `read size ${size}`);
      assert.equal(parser.status, 200);
      assert.equal(parser.done, true, `read size ${size}`);
    }
  });

  it("accepts chunk extensions and upper-case hex, and is not done before the last chunk", () => {
    const line = "x".repeat(26);
    const { lines, parser } = read(`${HEAD}1B;ext=1\r\n${line}\n\r\n`, 7);
    assert.deepEqual(lines, [line]);
    assert.equal(parser.done, false);
  });

  it("rejects a response that is not chunked, with its status", () => {
    const parser = new ChunkedLines(() => assert.fail("no line expected"));
    assert.throws(
      () => parser.push(Buffer.from("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\n{}")),
      /HTTP 403 without a chunked body/,
    );
  });

  it("rejects a bad chunk size and a chunk not followed by CRLF", () => {
    assert.throws(() => read(`${HEAD}zz\r\n`, 64), /bad chunk size line/);
    assert.throws(() => read(`${HEAD}2\r\nabXY`, 64), /not followed by CRLF/);
    assert.throws(() => read("HTTP/1.0 200 OK\r\n\r\n", 64), /not an HTTP\/1.1 response/);
  });
});
