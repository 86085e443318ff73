/**
 * Bearer tokens known to this server (upstream's token-file authenticator, tokens held in memory). The server
 * gives one to each control-plane component it runs in its own process, for the loopback connection that
 * carries no client certificate (src/server/loopback.ts). A request with an unknown token is not
 * authenticated by this authenticator (and so ends in 401 unless another one knows it).
 */
import type { IncomingMessage } from "node:http";
import { randomBytes } from "node:crypto";
import { SYSTEM_AUTHENTICATED, type Authenticator, type UserInfo } from "./types.js";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export class TokenAuthenticator implements Authenticator {
  private readonly users = new Map<string, UserInfo>();

  /** A new random token (256 bits) that authenticates as `user` (system:authenticated added). */
  issue(user: { readonly name: string; readonly groups?: readonly string[] }): string {
    const token = randomBytes(32).toString("base64url");
    const groups = [...new Set([...(user.groups ?? []), SYSTEM_AUTHENTICATED])];
    this.users.set(token, { name: user.name, groups });
    return token;
  }

  authenticate(request: IncomingMessage): UserInfo | undefined {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = BEARER.exec(header);
    return match ? this.users.get(match[1]!) : undefined;
  }
}
