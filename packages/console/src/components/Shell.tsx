import { LogoutOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { Button, Flex, Layout, Spin } from "antd";
import { Suspense, useEffect } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { useInvitations } from "../api/invitations.js";
import { mayTake, useSession, useSignOut, useWhoami } from "../api/session.js";
import { type MessageKey, useI18n } from "../i18n/index.js";
import { serverInfo } from "../lib/server-info.js";
import { IdentityConfirmation } from "./IdentityConfirmation.js";
import { LanguageSwitch } from "./LanguageSwitch.js";
import { NotificationBell } from "./NotificationBell.js";

/**
 * The console's sections, in the order of the menu, each with the action the server must allow
 * (GET /whoami) for it to be shown; the accounts are every user's (a member sees theirs).
 */
const MENU: ReadonlyArray<{ key: string; label: MessageKey; action?: string }> = [
  { key: "accounts", label: "menu.accounts" },
  { key: "webhooks", label: "menu.webhooks", action: "webhooks.read" },
  { key: "api-keys", label: "menu.apiKeys", action: "auth.keys.manage" },
  { key: "team", label: "menu.team", action: "auth.admins.manage" },
  { key: "audit", label: "menu.audit", action: "audit.read" },
  { key: "review", label: "menu.review", action: "risk.review.read" },
  { key: "settings", label: "menu.settings", action: "accounts.settings.manage" },
  ...(serverInfo.mode === "sandbox"
    ? [{ key: "sandbox-phone", label: "menu.sandboxPhone" as const, action: "accounts.read" }]
    : []),
];

/** A member's invitations, with how many wait for an answer. */
function InvitationsLink({ current }: { current: boolean }) {
  const { t } = useI18n();
  const invitations = useInvitations();
  const pending = invitations.data?.length ?? 0;
  return (
    <Link to="/invitations" aria-current={current ? "page" : undefined} data-testid="invitations-link">
      {t("menu.invitations")}
      {pending > 0 && (
        <>
          <span className="wx-badge" aria-hidden="true">
            {pending}
          </span>
          <span className="wx-sr-only">{t("menu.invitationsPending", { count: pending })}</span>
        </>
      )}
    </Link>
  );
}

/** The signed-in frame: brand, menu, language, sign out; the page below. */
export function Shell() {
  const { t } = useI18n();
  const session = useSession();
  const who = useWhoami(!!session.data);
  const signOut = useSignOut();
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split("/")[1] ?? "accounts";

  useEffect(() => {
    document.title = t("app.title");
  }, [t]);

  if (session.isPending) return <Spin fullscreen />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header
        style={{ display: "flex", alignItems: "center", gap: 12, paddingInline: 16, background: "#fff" }}
      >
        <Link
          to="/accounts"
          style={{ fontWeight: 600, fontSize: 18, color: "#067a43", whiteSpace: "nowrap" }}
        >
          {t("app.name")}
        </Link>
        <nav aria-label={t("menu.main")} style={{ flex: 1, minWidth: 0 }}>
          <ul className="wx-menu">
            {MENU.filter((item) => !item.action || mayTake(who.data, item.action)).map((item) => (
              <li key={item.key}>
                <Link to={`/${item.key}`} aria-current={section === item.key ? "page" : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
            {who.data?.role === "member" && (
              <li>
                <InvitationsLink current={section === "invitations"} />
              </li>
            )}
          </ul>
        </nav>
        <Flex align="center" gap={4}>
          <Link
            to="/security"
            aria-current={section === "security" ? "page" : undefined}
            // The link's colour stays when hovered: antd's lighter hover colour fails the contrast.
            style={{ paddingInline: 8, whiteSpace: "nowrap", color: "#0b5cad" }}
          >
            <SafetyCertificateOutlined aria-hidden="true" />{" "}
            <span className="wx-hide-narrow">
              {t("app.signedInAs", { name: session.data.user.username })}
            </span>
            <span className="wx-sr-only">{t("menu.security")}</span>
          </Link>
          <a
            href="/api/v1/docs"
            className="wx-hide-narrow"
            style={{ paddingInline: 8, whiteSpace: "nowrap" }}
          >
            {t("app.apiDocs")}
          </a>
          <NotificationBell />
          <LanguageSwitch />
          <Button
            type="text"
            icon={<LogoutOutlined />}
            aria-label={t("app.signOut")}
            onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin") })}
          >
            <span className="wx-hide-narrow">{t("app.signOut")}</span>
          </Button>
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: 16, maxWidth: 1280, width: "100%", margin: "0 auto" }}>
        <main>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </main>
        <IdentityConfirmation />
      </Layout.Content>
    </Layout>
  );
}
