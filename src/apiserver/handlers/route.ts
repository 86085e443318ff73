/** Dispatches a resource request to its handler by verb and subresource; 405 for what a resource lacks. */
import type { Verb } from "../../api/resources/types.js";
import { methodNotSupported, StatusError } from "../../api/status.js";
import { negotiate } from "../negotiate.js";
import type { ResourceRequest } from "./context.js";
import { createBinding } from "./binding.js";
import { createEviction } from "./eviction.js";
import { createReview, isReview } from "./reviews.js";
import { deleteCollection, deleteObject } from "./delete.js";
import { getObject, listCollection, watchCollection } from "./read.js";
import { getScale, patchScale, updateScale } from "./scale.js";
import { createObject, patchObject, updateObject } from "./write.js";

function notAllowed(r: ResourceRequest, verb: string): StatusError {
  return methodNotSupported({ group: r.type.group, resource: r.type.resource }, verb);
}

export async function routeResource(r: ResourceRequest): Promise<void> {
  const { info, type } = r;
  const verb = info.verb;
  const negotiated = () => negotiate(r.req.headers.accept, r.url.searchParams.get("includeObject"));
  const sub = info.subresource;

  if (sub === "") {
    if (!type.verbs.includes(verb as Verb)) throw notAllowed(r, verb);
    if (isReview(r)) {
      if (verb !== "create" || r.name !== "") throw notAllowed(r, verb);
      return createReview(r);
    }
    if (type.group === "" && type.resource === "bindings") {
      if (verb !== "create" || r.name !== "") throw notAllowed(r, verb);
      return createBinding(r, undefined);
    }
    switch (verb) {
      case "get":
        return getObject(r, negotiated());
      case "list":
        return listCollection(r, negotiated());
      case "watch":
        return watchCollection(r, negotiated());
      case "create":
        if (r.name !== "") throw notAllowed(r, verb);
        return createObject(r, negotiated());
      case "update":
        return updateObject(r, negotiated(), "");
      case "patch":
        return patchObject(r, negotiated(), "");
      case "delete":
        return deleteObject(r, negotiated());
      case "deletecollection":
        return deleteCollection(r);
    }
    throw notAllowed(r, verb);
  }

  const subresource = type.subresources.find((s) => s.name === sub);
  if (!subresource || info.parts.length > 3) {
    throw new StatusError({
      code: 404,
      reason: "NotFound",
      message: "the server could not find the requested resource",
      details: {},
    });
  }
  if (!subresource.verbs.includes(verb as Verb)) throw notAllowed(r, verb);
  switch (`${sub} ${verb}`) {
    case "status get":
      return getObject(r, negotiated());
    case "status update":
      return updateObject(r, negotiated(), "status");
    case "status patch":
      return patchObject(r, negotiated(), "status");
    case "scale get":
      return getScale(r);
    case "scale update":
      return updateScale(r);
    case "scale patch":
      return patchScale(r);
    case "binding create":
      return createBinding(r, r.name);
    case "eviction create":
      return createEviction(r);
    case "finalize update":
      return updateObject(r, negotiated(), "finalize");
  }
  // Known to discovery but served elsewhere (log, exec, proxy, token, eviction …) — not by this server yet.
  throw notAllowed(r, `${verb} ${sub}`);
}
