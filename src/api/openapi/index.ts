export { gvPathOf, parseGvPath, type JsonObject, type JsonValue } from "./json.js";
export { pathsOf, type Operation, type PathEntry } from "./operations.js";
export { openApiResponder, type OpenApiResponder, type OpenApiResponse, type RequestHeaders } from "./respond.js";
export { buildOpenApiV2Protobuf, V2_PROTOBUF_CONTENT_TYPE, V2_PROTOBUF_CONTENT_TYPE_DOTTED } from "./v2.js";
export { buildOpenApiV3Document, buildOpenApiV3Index, documentHash } from "./v3.js";
