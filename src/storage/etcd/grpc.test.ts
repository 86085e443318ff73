/**
 * The gRPC client against a scripted HTTP/2 server (node:http2): framing, statuses, deadlines, streams,
 * cancellation and lost connections. The real thing (etcd) is exercised by etcd.test.ts.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { createServer as createTcpServer, connect as tcpConnect, type AddressInfo, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { frame, GrpcChannel, GrpcError, GrpcStatus, MessageReader } from "./grpc.js";

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;

/** An h2c server answering each path with its handler; closes every session on close(). */
async function scriptedServer(handlers: Record<string, Handler>) {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {}); // resets this server makes itself (Reset)
    const handler = handlers[String(headers[":path"])];
    if (handler) handler(stream, headers);
    else
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" }, { endStream: true });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    dropConnections(): void {
      for (const session of sessions) session.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads the request's messages, then answers `reply(messages)` followed by an OK status. */
function echo(reply: (messages: Buffer[]) => Buffer[]): Handler {
  return (stream) => {
    const messages: Buffer[] = [];
    const reader = new MessageReader((m) => messages.push(Buffer.from(m)));
    stream.on("data", (chunk: Buffer) => reader.push(chunk));
    stream.on("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      for (const m of reply(messages)) stream.write(frame(m));
      stream.end();
    });
  };
}

async function rejectsWithStatus(promise: Promise<unknown>, code: number): Promise<GrpcError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GrpcError, `expected a GrpcError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected status ${code}, but the call succeeded`);
}

describe("MessageReader", () => {
  it("splits messages whatever the chunking, including empty messages and split prefixes", () => {
    const messages = [Buffer.from("one"), Buffer.alloc(0), Buffer.from("three".repeat(1000))];
    const wire = Buffer.concat(messages.map(frame));
    for (const size of [1, 2, 4, 5, 7, 1024, wire.length]) {
      const got: string[] = [];
      const reader = new MessageReader((m) => got.push(m.toString()));
      for (let i = 0; i < wire.length; i += size) reader.push(wire.subarray(i, i + size));
      assert.deepEqual(
        got,
        messages.map((m) => m.toString()),
        `chunks of ${size}`,
      );
      assert.equal(reader.idle, true);
    }
  });

  it("is not idle inside a message, and refuses compressed messages", () => {
    const reader = new MessageReader(() => {});
    reader.push(frame(Buffer.from("abc")).subarray(0, 6));
    assert.equal(reader.idle, false);
    assert.throws(() => new MessageReader(() => {}).push(Buffer.from([1, 0, 0, 0, 0])), /compressed/);
  });
});

describe("GrpcChannel", () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  let channel: GrpcChannel;
  before(async () => {
    server = await scriptedServer({
      "/test.S/Echo": echo((messages) => [Buffer.concat([Buffer.from("echo:"), ...messages])]),
      "/test.S/Twice": echo((messages) => [...messages, ...messages]),
      "/test.S/None": echo(() => []),
      "/test.S/Fail": (stream) =>
        stream.respond(
          {
            ":status": 200,
            "content-type": "application/grpc",
            "grpc-status": String(GrpcStatus.OUT_OF_RANGE),
            "grpc-message": "etcdserver: mvcc: required revision has been compacted %E2%9C%93",
          },
          { endStream: true },
        ),
      "/test.S/Http503": (stream) => stream.respond({ ":status": 503 }, { endStream: true }),
      "/test.S/Silent": (stream) => stream.on("close", () => {}),
      "/test.S/Reset": (stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
      "/test.S/Stream": (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        const reader = new MessageReader((m) => {
          if (m.toString() === "end") stream.end();
          else stream.write(frame(Buffer.concat([Buffer.from("got:"), m])));
        });
        stream.on("data", (chunk: Buffer) => reader.push(chunk));
      },
    });
    channel = new GrpcChannel(server.origin);
  });
  after(async () => {
    channel?.close();
    await server?.close();
  });

  it("sends a unary request and returns the one answer", async () => {
    const answer = await channel.unary("/test.S/Echo", Buffer.from("hello"), 5000);
    assert.equal(answer.toString(), "echo:hello");
    // Many at once share the session.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => channel.unary("/test.S/Echo", Buffer.from(String(i)), 5000)),
    );
    assert.deepEqual(
      answers.map((a) => a.toString()),
      Array.from({ length: 50 }, (_, i) => `echo:${i}`),
    );
  });

  it("a status in the headers (trailers-only) is the call's error, its message percent-decoded", async () => {
    const error = await rejectsWithStatus(
      channel.unary("/test.S/Fail", Buffer.from("x"), 5000),
      GrpcStatus.OUT_OF_RANGE,
    );
    assert.equal(error.details, "etcdserver: mvcc: required revision has been compacted ✓");
    await rejectsWithStatus(channel.unary("/test.S/Nope", Buffer.from("x"), 5000), GrpcStatus.UNIMPLEMENTED);
  });

  it("maps a non-gRPC HTTP answer, and a unary call answering zero or two messages, to errors", async () => {
    await rejectsWithStatus(channel.unary("/test.S/Http503", Buffer.from("x"), 5000), GrpcStatus.UNAVAILABLE);
    await rejectsWithStatus(channel.unary("/test.S/None", Buffer.from("x"), 5000), GrpcStatus.INTERNAL);
    await rejectsWithStatus(channel.unary("/test.S/Twice", Buffer.from("x"), 5000), GrpcStatus.INTERNAL);
  });

  it("fails a call with DEADLINE_EXCEEDED when no answer comes in time", async () => {
    const started = Date.now();
    await rejectsWithStatus(channel.unary("/test.S/Silent", Buffer.from("x"), 200), GrpcStatus.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 2000);
    // The channel still works.
    assert.equal((await channel.unary("/test.S/Echo", Buffer.from("after"), 5000)).toString(), "echo:after");
  });

  it("a reset stream is UNAVAILABLE", async () => {
    await rejectsWithStatus(channel.unary("/test.S/Reset", Buffer.from("x"), 5000), GrpcStatus.UNAVAILABLE);
  });

  it("streams messages both ways, then ends with the server's OK", async () => {
    const stream = channel.stream("/test.S/Stream");
    const got: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on("message", (m: Buffer) => got.push(m.toString()));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    stream.write(Buffer.from("a"));
    stream.write(Buffer.from("b"));
    stream.write(Buffer.from("end"));
    await ended;
    assert.deepEqual(got, ["got:a", "got:b"]);
  });

  it("cancel ends a stream without further events", async () => {
    const stream = channel.stream("/test.S/Stream");
    const events: string[] = [];
    stream.on("message", () => events.push("message"));
    stream.on("end", () => events.push("end"));
    stream.on("error", () => events.push("error"));
    stream.write(Buffer.from("a"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.cancel();
    stream.write(Buffer.from("b")); // ignored
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(events, ["message"]);
  });

  it("a lost connection fails its open calls with UNAVAILABLE; the next call reconnects", async () => {
    const stream = channel.stream("/test.S/Stream");
    const failed = new Promise<unknown>((resolve) => stream.on("error", resolve));
    const silent = channel.unary("/test.S/Silent", Buffer.from("x"), 5000);
    stream.write(Buffer.from("a"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.dropConnections();
    const error = await failed;
    assert.ok(error instanceof GrpcError && error.code === GrpcStatus.UNAVAILABLE, String(error));
    await rejectsWithStatus(silent, GrpcStatus.UNAVAILABLE);
    assert.equal((await channel.unary("/test.S/Echo", Buffer.from("again"), 5000)).toString(), "echo:again");
  });
});

/** A TCP proxy to `port` that can stop forwarding, as a connection that silently died would. */
async function blackholeProxy(port: number) {
  const sockets: Socket[] = [];
  let forwarding = true;
  const server = createTcpServer((client) => {
    const upstream = tcpConnect(port, "127.0.0.1");
    sockets.push(client, upstream);
    client.on("data", (d) => forwarding && upstream.write(d));
    upstream.on("data", (d) => forwarding && client.write(d));
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    blackhole: () => void (forwarding = false),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("GrpcChannel keepalive", () => {
  it("a connection that stops answering fails its open calls with UNAVAILABLE after a missed ping", async () => {
    const server = await scriptedServer({
      "/test.S/Stream": (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        stream.on("data", () => stream.write(frame(Buffer.from("pong"))));
      },
    });
    const proxy = await blackholeProxy(server.port);
    const channel = new GrpcChannel(proxy.origin, { keepaliveMs: 100, keepaliveTimeoutMs: 200 });
    try {
      const stream = channel.stream("/test.S/Stream");
      const got: string[] = [];
      const failed = new Promise<unknown>((resolve) => stream.on("error", resolve));
      stream.on("message", (m: Buffer) => got.push(m.toString()));
      stream.write(Buffer.from("ping"));
      // Pings while the stream is open and the connection works: nothing happens.
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(got, ["pong"]);
      const cut = Date.now();
      proxy.blackhole();
      const error = await Promise.race([failed, new Promise((resolve) => setTimeout(() => resolve("no error"), 3000))]);
      assert.ok(error instanceof GrpcError && error.code === GrpcStatus.UNAVAILABLE, String(error));
      assert.ok(Date.now() - cut < 2000, `noticed after ${Date.now() - cut} ms`);
    } finally {
      channel.close();
      await proxy.close();
      await server.close();
    }
  });
});

describe("GrpcChannel without a server", () => {
  it("fails fast with UNAVAILABLE when nothing listens, and after close()", async () => {
    const gone = await scriptedServer({});
    await gone.close();
    const channel = new GrpcChannel(gone.origin);
    const started = Date.now();
    await rejectsWithStatus(channel.unary("/test.S/Echo", Buffer.from("x"), 5000), GrpcStatus.UNAVAILABLE);
    assert.ok(Date.now() - started < 2000);
    channel.close();
    await rejectsWithStatus(channel.unary("/test.S/Echo", Buffer.from("x"), 5000), GrpcStatus.UNAVAILABLE);
  });
});
