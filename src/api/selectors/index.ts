export * from "./labels.js";
export * from "./fields.js";
export * from "./selectable.js";
export { validateLabelName, isDNS1123Subdomain, type LabelSelectorValidationOptions } from "./validation.js";
export * from "./selection.js";
