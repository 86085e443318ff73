/** The ServiceAccount controller: a `default` ServiceAccount in every active namespace. */
export { serviceAccountController, syncNamespace, DEFAULT_SERVICE_ACCOUNTS } from "./controller.js";
