/**
 * bench:api watch fan-out, the receiving side's parser: an HTTP/1.1 response with a chunked body, read off a
 * raw socket piece by piece and handed out as lines (`\n`-terminated), without decoding to strings.
 *
 * Why not `node:https`: the watch phase runs 1,000 streams on the same two cores as the server, and the
 * generic client (IncomingMessage, its stream machinery, string decoding) cost about as much CPU as the
 * server's whole fan-out, inflating the latencies it measured. This parser does only what the bench needs.
 */

/** A line's bytes: `buffer[start, end)`, without the `\n`. Valid only during the callback. */
export type LineHandler = (buffer: Buffer, start: number, end: number) => void;

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from("\r\n\r\n");

/** head → (size → data → data-cr → data-lf)* → done; a bare LF after the data is accepted too. */
type State = "head" | "size" | "data" | "data-cr" | "data-lf" | "done";

export class ChunkedLines {
  private state: State = "head";
  /** Bytes of an unfinished head or chunk-size line. */
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes left in the current chunk. */
  private left = 0;
  /** The current line's bytes from earlier pieces (a line split across chunks or reads). */
  private partial: Buffer[] = [];
  /** The response's status code, once the head is read. */
  status = 0;

  constructor(private readonly onLine: LineHandler) {}

  /** True once the terminating zero-size chunk was read. */
  get done(): boolean {
    return this.state === "done";
  }

  /** Feeds the next bytes read from the socket. Throws on a malformed response. */
  push(piece: Buffer): void {
    let at = 0;
    while (at < piece.length && this.state !== "done") {
      switch (this.state) {
        case "head": {
          const joined =
            this.pending.length === 0 ? piece.subarray(at) : Buffer.concat([this.pending, piece.subarray(at)]);
          const end = joined.indexOf(HEAD_END);
          if (end < 0) {
            this.pending = Buffer.from(joined);
            return;
          }
          this.readHead(joined.toString("latin1", 0, end));
          const consumed = end + HEAD_END.length - this.pending.length;
          this.pending = Buffer.alloc(0);
          at += consumed;
          this.state = "size";
          break;
        }
        case "size": {
          const nl = piece.indexOf(LF, at);
          if (nl < 0) {
            this.pending = Buffer.concat([this.pending, piece.subarray(at)]);
            return;
          }
          const text = Buffer.concat([this.pending, piece.subarray(at, nl)]).toString("latin1");
          this.pending = Buffer.alloc(0);
          at = nl + 1;
          const size = parseInt(text, 16); // stops at ";extension" and the trailing CR
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+(;.*)?\r$/.test(text)) {
            throw new Error(`bad chunk size line: ${JSON.stringify(text.slice(0, 40))}`);
          }
          this.left = size;
          this.state = size === 0 ? "done" : "data";
          break;
        }
        case "data": {
          const end = Math.min(piece.length, at + this.left);
          this.lines(piece, at, end);
          this.left -= end - at;
          at = end;
          if (this.left === 0) this.state = "data-cr";
          break;
        }
        case "data-cr":
        case "data-lf": {
          // The CRLF after a chunk's data, a byte at a time (it may be split across reads).
          const byte = piece[at++];
          if (byte === LF) this.state = "size";
          else if (byte === CR && this.state === "data-cr") this.state = "data-lf";
          else throw new Error("a chunk's data is not followed by CRLF");
          break;
        }
      }
    }
  }

  private readHead(head: string): void {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
    if (!match) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(head.slice(0, 60))}`);
    this.status = Number(match[1]);
    if (!/\r\ntransfer-encoding: *chunked\r?$/im.test(head)) {
      throw new Error(`HTTP ${this.status} without a chunked body: ${JSON.stringify(head.slice(0, 200))}`);
    }
  }

  /** Hands out the complete lines in `piece[start, end)` and keeps an unfinished tail. */
  private lines(piece: Buffer, start: number, end: number): void {
    let from = start;
    for (let nl = piece.indexOf(LF, from); nl >= 0 && nl < end; nl = piece.indexOf(LF, from)) {
      if (this.partial.length === 0) this.onLine(piece, from, nl);
      else {
        const line = Buffer.concat([...this.partial, piece.subarray(from, nl)]);
        this.partial = [];
        this.onLine(line, 0, line.length);
      }
      from = nl + 1;
    }
    // The tail is copied: the socket may reuse the piece's memory.
    if (from < end) this.partial.push(Buffer.from(piece.subarray(from, end)));
  }
}
