import { createBrowserRouter, Navigate } from "react-router";
import { Shell } from "./components/Shell.js";

/**
 * Every route of the console in one list. Pages load on demand, so the sign-in and accounts
 * screens carry only their own code.
 */
export const router = createBrowserRouter([
  {
    path: "/signin",
    lazy: async () => ({ Component: (await import("./pages/session/SignIn.js")).SignIn }),
  },
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/accounts" replace /> },
      {
        path: "accounts",
        lazy: async () => ({ Component: (await import("./pages/accounts/list/index.js")).AccountsPage }),
      },
      {
        path: "accounts/:appId",
        lazy: async () => ({ Component: (await import("./pages/accounts/detail/index.js")).AccountPage }),
      },
      {
        path: "accounts/:appId/menu",
        lazy: async () => ({ Component: (await import("./pages/menus/index.js")).MenusPage }),
      },
      {
        path: "accounts/:appId/qrcodes",
        lazy: async () => ({ Component: (await import("./pages/qrcodes/index.js")).QrCodesPage }),
      },
      {
        path: "accounts/:appId/materials",
        lazy: async () => ({ Component: (await import("./pages/materials/index.js")).MaterialsPage }),
      },
      {
        path: "accounts/:appId/customer-service",
        lazy: async () => ({
          Component: (await import("./pages/customer-service/index.js")).CustomerServicePage,
        }),
      },
      {
        path: "accounts/:appId/automation",
        lazy: async () => ({ Component: (await import("./pages/automation/index.js")).AutomationPage }),
      },
      {
        path: "accounts/:appId/campaigns",
        lazy: async () => ({ Component: (await import("./pages/campaigns/list/index.js")).CampaignsPage }),
      },
      {
        path: "accounts/:appId/campaigns/new",
        lazy: async () => ({ Component: (await import("./pages/campaigns/edit/index.js")).NewCampaignPage }),
      },
      {
        path: "campaigns/:id",
        lazy: async () => ({ Component: (await import("./pages/campaigns/detail/index.js")).CampaignPage }),
      },
      {
        path: "campaigns/:id/edit",
        lazy: async () => ({ Component: (await import("./pages/campaigns/edit/index.js")).EditCampaignPage }),
      },
      {
        path: "webhooks",
        lazy: async () => ({ Component: (await import("./pages/webhooks/index.js")).WebhooksPage }),
      },
      {
        path: "api-keys",
        lazy: async () => ({ Component: (await import("./pages/api-keys/index.js")).ApiKeysPage }),
      },
      {
        path: "audit",
        lazy: async () => ({ Component: (await import("./pages/audit/index.js")).AuditPage }),
      },
      {
        path: "review",
        lazy: async () => ({ Component: (await import("./pages/review/index.js")).ReviewPage }),
      },
      {
        path: "notifications",
        lazy: async () => ({ Component: (await import("./pages/notifications/index.js")).NotificationsPage }),
      },
      {
        path: "team",
        lazy: async () => ({ Component: (await import("./pages/team/index.js")).TeamPage }),
      },
      // The users' screen was "admins" before it held the whole team.
      { path: "admins", element: <Navigate to="/team" replace /> },
      {
        path: "invitations",
        lazy: async () => ({ Component: (await import("./pages/invitations/index.js")).InvitationsPage }),
      },
      {
        path: "security",
        lazy: async () => ({ Component: (await import("./pages/security/index.js")).SecurityPage }),
      },
      {
        path: "settings",
        lazy: async () => ({ Component: (await import("./pages/settings/index.js")).SettingsPage }),
      },
      {
        path: "sandbox-phone",
        lazy: async () => ({ Component: (await import("./pages/sandbox-phone/index.js")).SandboxPhonePage }),
      },
      { path: "*", lazy: async () => ({ Component: (await import("./pages/NotFound.js")).NotFound }) },
    ],
  },
]);
