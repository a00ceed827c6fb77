import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Ability, accountKeys } from "./accounts.js";
import { adminKeys } from "./admins.js";
import { request } from "./client.js";
import { invitationKeys } from "./invitations.js";
import { sessionKeys } from "./session.js";

/**
 * The team module's calls: members of accounts, invitations, departments. Types written after
 * the server's response schemas (`packages/server/src/team/routes.ts`).
 */

/** The eleven permission switches a member holds per account (the server's `permissionSwitches`). */
export const PERMISSION_SWITCHES = [
  "account.view",
  "messages.reply",
  "replies.auto",
  "menus",
  "qrcodes",
  "followers",
  "campaigns.create",
  "campaigns.send",
  "statistics",
  "materials",
  "account.settings",
] as const;
export type PermissionSwitch = (typeof PERMISSION_SWITCHES)[number];

export type OperatorKind = "long_term" | "short_term";

/** One member of an account, or an invitation waiting for its answer. */
export interface Member {
  userId: string;
  username: string;
  displayName: string | null;
  kind: "super_admin" | OperatorKind;
  state: "invited" | "active" | "expired";
  switches: PermissionSwitch[];
  invitedAt: number;
  acceptedAt: number | null;
  /** A short-term operator's access ends then. */
  expiresAt: number | null;
}

/** GET /accounts/{appid}/members. */
export interface Members {
  superAdmin: { userId: string; username: string; displayName: string | null; implicit: boolean } | null;
  items: Member[];
  limits: { longTermOperators: number; shortTermOperators: number; shortTermDays: number };
  abilities: { manage: Ability; transfer: Ability };
}

export interface Department {
  id: string;
  name: string;
  appIds: string[];
  /** The administrators limited to it. */
  adminIds: string[];
}

export const teamKeys = {
  members: (appId: string) => ["team", "members", appId] as const,
  departments: ["team", "departments"] as const,
};

const members = (appId: string, rest = "") => `/accounts/${encodeURIComponent(appId)}/members${rest}`;

export function useMembers(appId: string, enabled = true) {
  return useQuery({
    queryKey: teamKeys.members(appId),
    queryFn: () => request<Members>("GET", members(appId)),
    enabled,
  });
}

/** After a change of members: the list, and what the caller may do (they may be among them). */
function useMembersChanged() {
  const client = useQueryClient();
  return (appId: string) =>
    Promise.all([
      client.invalidateQueries({ queryKey: teamKeys.members(appId) }),
      client.invalidateQueries({ queryKey: sessionKeys.whoami }),
    ]);
}

export function useInvite() {
  const changed = useMembersChanged();
  return useMutation({
    mutationFn: (input: {
      appId: string;
      username: string;
      kind: OperatorKind;
      switches: PermissionSwitch[];
    }) => {
      const { appId, ...body } = input;
      return request<Member>("POST", members(appId), body);
    },
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

export function useSetSwitches() {
  const changed = useMembersChanged();
  return useMutation({
    mutationFn: (input: { appId: string; userId: string; switches: PermissionSwitch[] }) =>
      request<{ switches: PermissionSwitch[] }>(
        "PUT",
        members(input.appId, `/${encodeURIComponent(input.userId)}/switches`),
        { switches: input.switches },
      ),
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

export function useUnbind() {
  const changed = useMembersChanged();
  return useMutation({
    mutationFn: (input: { appId: string; userId: string }) =>
      request<void>("DELETE", members(input.appId, `/${encodeURIComponent(input.userId)}`)),
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

export function useTransferSuperAdmin() {
  const changed = useMembersChanged();
  return useMutation({
    mutationFn: (input: { appId: string; username: string }) =>
      request<{ userId: string; username: string }>(
        "POST",
        `/accounts/${encodeURIComponent(input.appId)}/super-admin`,
        { username: input.username },
      ),
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

/** Accepts or declines an invitation; accepting gives access to the account. */
export function useAnswerInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { appId: string; accept: boolean }) =>
      request<Member | undefined>(
        "POST",
        `/invitations/${encodeURIComponent(input.appId)}/${input.accept ? "accept" : "decline"}`,
      ),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: invitationKeys.all }),
        client.invalidateQueries({ queryKey: sessionKeys.whoami }),
        client.invalidateQueries({ queryKey: accountKeys.all }),
      ]),
  });
}

export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: teamKeys.departments,
    queryFn: async () => (await request<{ items: Department[] }>("GET", "/departments")).items,
    enabled,
  });
}

function useDepartmentsChanged() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: teamKeys.departments }),
      client.invalidateQueries({ queryKey: adminKeys.all }),
    ]);
}

/** Creates a department (no `id`) or changes one: its name and accounts. */
export function useSaveDepartment() {
  const changed = useDepartmentsChanged();
  return useMutation({
    mutationFn: (input: { id?: string; name: string; appIds: string[] }) =>
      input.id === undefined
        ? request<Department>("POST", "/departments", { name: input.name, appIds: input.appIds })
        : request<Department>("PUT", `/departments/${encodeURIComponent(input.id)}`, {
            name: input.name,
            appIds: input.appIds,
          }),
    onSettled: changed,
  });
}

export function useDeleteDepartment() {
  const changed = useDepartmentsChanged();
  return useMutation({
    mutationFn: (id: string) => request<void>("DELETE", `/departments/${encodeURIComponent(id)}`),
    onSettled: changed,
  });
}

/** Limits an administrator to a department, or lifts the limit (null). */
export function useAssignDepartment() {
  const changed = useDepartmentsChanged();
  return useMutation({
    mutationFn: (input: { userId: string; departmentId: string | null }) =>
      request<void>("PUT", `/users/${encodeURIComponent(input.userId)}/department`, {
        departmentId: input.departmentId,
      }),
    onSettled: changed,
  });
}
