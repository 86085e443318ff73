/** Server-side apply and managedFields tracking (see README.md). */
export { applyConfiguration, LAST_APPLIED_ANNOTATION, type ApplyInput } from "./apply.js";
export { trackUpdate, trackedManagedFields, type UpdateInput } from "./update.js";
export { defaultFieldManager, managerFor, validatePatchOptions, fieldManagerErrors } from "./manager.js";
export { FieldSet, pathString } from "./fieldpath.js";
export { decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry } from "./managed.js";
export { conflictError, conflictMessage } from "./conflicts.js";
export type { GroupVersionKind } from "./context.js";
