/**
 * Several authenticators, tried in order; the first that recognizes the request wins (upstream's union
 * authenticator). Client certificates first, then bearer tokens (service accounts, bootstrap tokens) as
 * they arrive. One authenticator throwing does not stop the others; it is reported to `onError`.
 */
import type { IncomingMessage } from "node:http";
import type { Authenticator, UserInfo } from "./types.js";

export class UnionAuthenticator implements Authenticator {
  constructor(
    private readonly authenticators: readonly Authenticator[],
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  authenticate(request: IncomingMessage): UserInfo | undefined {
    for (const authenticator of this.authenticators) {
      try {
        const user = authenticator.authenticate(request);
        if (user !== undefined) return user;
      } catch (error) {
        this.onError(error);
      }
    }
    return undefined;
  }
}
