// RBAC bindings. (Roles and ClusterRoles have no upstream printer: they use the default NAME / CREATED AT.)
import type { ClusterRoleBinding, RoleBinding, Subject } from "kubernetes-types/rbac/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer } from "./util.js";

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts. */
export function subjectsStrings(subjects: readonly Subject[] | undefined): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "ServiceAccount") sas.push(`${s.namespace ?? ""}/${s.name}`);
    else if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
  }
  return [users, groups, sas];
}

function bindingPrinter(kind: "roleBinding" | "clusterRoleBinding"): TablePrinter {
  return printer<RoleBinding | ClusterRoleBinding>(
    [
      NAME_COLUMN,
      column({
        name: "Role",
        description: DESCRIPTIONS[kind === "roleBinding" ? "RoleBinding.roleRef" : "ClusterRoleBinding.roleRef"],
      }),
      AGE_COLUMN,
      column({ name: "Users", priority: 1, description: `Users in the ${kind}` }),
      column({ name: "Groups", priority: 1, description: `Groups in the ${kind}` }),
      column({ name: "ServiceAccounts", priority: 1, description: `ServiceAccounts in the ${kind}` }),
    ],
    (obj, now) => {
      const [users, groups, sas] = subjectsStrings(obj.subjects);
      return [
        nameOf(obj),
        `${obj.roleRef?.kind ?? ""}/${obj.roleRef?.name ?? ""}`,
        ageOf(obj, now),
        users.join(", "),
        groups.join(", "),
        sas.join(", "),
      ];
    },
  );
}

export const roleBindingPrinter: TablePrinter = bindingPrinter("roleBinding");
export const clusterRoleBindingPrinter: TablePrinter = bindingPrinter("clusterRoleBinding");
