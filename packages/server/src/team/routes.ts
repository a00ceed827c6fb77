import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { permissionSwitches } from "../platform/policy.js";
import type { Departments } from "./departments.js";
import type { TeamService } from "./service.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const member = appid.extend({ userId: z.string().min(1).max(64) });
const switches = z
  .array(z.enum(permissionSwitches))
  .max(permissionSwitches.length)
  .describe("The permission switches that are on, among the eleven.");

const abilityView = z.object({
  allowed: z.boolean(),
  reason: z.string().optional().describe("Why not: `not_permitted`, or the refusal's `details.reason`."),
});

const memberView = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  kind: z.enum(["super_admin", "long_term", "short_term"]),
  state: z.enum(["invited", "active", "expired"]),
  switches: z.array(z.enum(permissionSwitches)),
  invitedAt: z.number().int(),
  acceptedAt: z.number().int().nullable(),
  expiresAt: z.number().int().nullable().describe("A short-term operator's access ends then (epoch ms)."),
});

const departmentView = z.object({
  id: z.string(),
  name: z.string(),
  appIds: z.array(z.string()),
  adminIds: z.array(z.string()).describe("The administrators limited to it."),
});

const departmentBody = z.object({
  name: z.string().trim().min(1).max(64),
  appIds: z.array(z.string().min(1).max(64)).max(1000),
});

const TEAM_REFUSALS =
  "Refusals (409 `conflict`, `details.reason`): `long_term_limit` / `short_term_limit` (with `details.limit`) past the account's operators of that kind, invitations included; `accounts_per_member_limit` past the accounts one person may operate; `already_member`; `not_a_member_role` (the owner and administrators reach every account already); `user_disabled`.";

/** The team module's routes: members of accounts, invitations, departments. */
export function teamRoutes(service: TeamService, departments: Departments): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/members",
      action: "team.members.read",
      account: (p) => p.appid,
      tags: ["team"],
      summary: "An account's super admin, operators and invitations",
      params: appid,
      response: z.object({
        superAdmin: z
          .object({
            userId: z.string(),
            username: z.string(),
            displayName: z.string().nullable(),
            implicit: z
              .boolean()
              .describe("True when the owner holds the role because no one else was given it."),
          })
          .nullable(),
        items: z.array(memberView),
        limits: z.object({
          longTermOperators: z.number().int(),
          shortTermOperators: z.number().int(),
          shortTermDays: z.number().int(),
        }),
        abilities: z.object({ manage: abilityView, transfer: abilityView }),
      }),
      handler: ({ actor, params }) => service.members(actor, params.appid),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/members",
      action: "team.members.manage",
      account: (p) => p.appid,
      tags: ["team"],
      summary: "Invite a member to operate the account",
      description: `The invitee (a user whose role is \`member\`) sees the invitation and accepts or declines it. ${TEAM_REFUSALS}`,
      params: appid,
      body: z.object({
        username: z.string().trim().min(1).max(64),
        kind: z.enum(["long_term", "short_term"]),
        switches: switches.default([]),
      }),
      response: memberView,
      status: 201,
      handler: ({ actor, params, body }) => service.invite(actor, params.appid, body),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/members/:userId/switches",
      action: "team.members.manage",
      account: (p) => p.appid,
      tags: ["team"],
      summary: "Set an operator's permission switches",
      params: member,
      body: z.object({ switches }),
      response: z.object({ switches: z.array(z.enum(permissionSwitches)) }),
      handler: ({ actor, params, body }) =>
        service.setSwitches(actor, params.appid, params.userId, body.switches),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/members/:userId",
      action: "team.members.manage",
      account: (p) => p.appid,
      tags: ["team"],
      summary: "Unbind a member, or withdraw an invitation",
      description:
        "The super admin is never unbound (409, `details.reason = super_admin_unbind`): move the role first.",
      params: member,
      async handler({ actor, params }) {
        await service.unbind(actor, params.appid, params.userId);
        return undefined;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/super-admin",
      action: "team.superadmin.transfer",
      account: (p) => p.appid,
      tags: ["team"],
      summary: "Move the account's super admin role to another user",
      description:
        "A risk operation: only the current holder (the owner, for an account the owner holds by default) moves it (409, `details.reason = not_super_admin`), with a fresh confirmation. The previous holder leaves the account's members.",
      params: appid,
      body: z.object({ username: z.string().trim().min(1).max(64) }),
      response: z.object({ userId: z.string(), username: z.string() }),
      handler: ({ actor, params, body }) => service.transferSuperAdmin(actor, params.appid, body),
    }),
    defineRoute({
      method: "GET",
      url: "/invitations",
      action: "team.invitations.respond",
      tags: ["team"],
      summary: "The signed-in user's invitations waiting for an answer",
      response: z.object({
        items: z.array(
          z.object({
            appId: z.string(),
            kind: z.enum(["long_term", "short_term"]),
            switches: z.array(z.enum(permissionSwitches)),
            invitedAt: z.number().int(),
            invitedBy: z.string().nullable(),
          }),
        ),
      }),
      handler: async ({ actor }) => ({ items: await service.invitations(actor) }),
    }),
    defineRoute({
      method: "POST",
      url: "/invitations/:appid/accept",
      action: "team.invitations.respond",
      tags: ["team"],
      summary: "Accept an invitation: access to the account starts",
      params: appid,
      response: memberView,
      handler: async ({ actor, params }) => (await service.answer(actor, params.appid, true))!,
    }),
    defineRoute({
      method: "POST",
      url: "/invitations/:appid/decline",
      action: "team.invitations.respond",
      tags: ["team"],
      summary: "Decline an invitation",
      params: appid,
      async handler({ actor, params }) {
        await service.answer(actor, params.appid, false);
        return undefined;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/departments",
      action: "team.departments.manage",
      tags: ["team"],
      summary: "List departments with their accounts and administrators",
      response: z.object({ items: z.array(departmentView) }),
      handler: async () => ({ items: await departments.list() }),
    }),
    defineRoute({
      method: "POST",
      url: "/departments",
      action: "team.departments.manage",
      tags: ["team"],
      summary: "Create a department",
      body: departmentBody,
      response: departmentView,
      status: 201,
      handler: ({ actor, body }) => departments.create(actor, body),
    }),
    defineRoute({
      method: "PUT",
      url: "/departments/:id",
      action: "team.departments.manage",
      tags: ["team"],
      summary: "Rename a department, set its accounts",
      params: z.object({ id: z.string().min(1).max(64) }),
      body: departmentBody,
      response: departmentView,
      handler: ({ actor, params, body }) => departments.update(actor, params.id, body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/departments/:id",
      action: "team.departments.manage",
      tags: ["team"],
      summary: "Delete a department (its administrators reach every account again)",
      params: z.object({ id: z.string().min(1).max(64) }),
      async handler({ actor, params }) {
        await departments.delete(actor, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/users/:id/department",
      action: "team.departments.manage",
      tags: ["team"],
      summary: "Limit an administrator to a department, or lift the limit (null)",
      description: "Only an administrator is limited (409, `details.reason = not_an_admin`).",
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.object({ departmentId: z.string().min(1).max(64).nullable() }),
      async handler({ actor, params, body }) {
        await departments.assign(actor, params.id, body.departmentId);
        return undefined;
      },
    }),
  ];
}
