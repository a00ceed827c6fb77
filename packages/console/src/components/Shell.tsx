import { LogoutOutlined } from "@ant-design/icons";
import { Button, Flex, Layout, Spin } from "antd";
import { Suspense, useEffect } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { useSession, useSignOut } from "../api/session.js";
import { type MessageKey, useI18n } from "../i18n/index.js";
import { serverInfo } from "../lib/server-info.js";
import { IdentityConfirmation } from "./IdentityConfirmation.js";
import { LanguageSwitch } from "./LanguageSwitch.js";
import { NotificationBell } from "./NotificationBell.js";

/** The console's sections, in the order of the menu. */
const MENU: ReadonlyArray<{ key: string; label: MessageKey }> = [
  { key: "accounts", label: "menu.accounts" },
  { key: "webhooks", label: "menu.webhooks" },
  { key: "api-keys", label: "menu.apiKeys" },
  { key: "admins", label: "menu.admins" },
  { key: "audit", label: "menu.audit" },
  { key: "review", label: "menu.review" },
  { key: "security", label: "menu.security" },
  { key: "settings", label: "menu.settings" },
  ...(serverInfo.mode === "sandbox" ? [{ key: "sandbox-phone", label: "menu.sandboxPhone" as const }] : []),
];

/** The signed-in frame: brand, menu, language, sign out; the page below. */
export function Shell() {
  const { t } = useI18n();
  const session = useSession();
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
            {MENU.map((item) => (
              <li key={item.key}>
                <Link to={`/${item.key}`} aria-current={section === item.key ? "page" : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <Flex align="center" gap={4}>
          <span className="wx-muted wx-hide-narrow">
            {t("app.signedInAs", { name: session.data.user.username })}
          </span>
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
