import { BellOutlined } from "@ant-design/icons";
import { Link } from "react-router";
import { useUnreadCount } from "../api/risk.js";
import { useI18n } from "../i18n/index.js";

/**
 * The header's bell: the unread notifications' count, a link to the list. The count is a plain
 * styled number (`.wx-count`), not antd's Badge: the header is on every screen, and the Badge
 * with its motion would weigh on each first load.
 */
export function NotificationBell() {
  const { t } = useI18n();
  const unread = useUnreadCount().data?.unread ?? 0;
  return (
    <Link to="/notifications" className="wx-bell">
      {/* The number is for the eye; the link's name says it in words. */}
      <span aria-hidden className="wx-bell-icon">
        <BellOutlined style={{ fontSize: 18, color: "#1f1f1f" }} />
        {unread > 0 && <span className="wx-count">{unread > 99 ? "99+" : unread}</span>}
      </span>
      <span className="wx-sr-only">{t("header.notifications", { count: unread })}</span>
    </Link>
  );
}
