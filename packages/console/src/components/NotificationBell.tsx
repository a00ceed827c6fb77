import { BellOutlined } from "@ant-design/icons";
import { Badge } from "antd";
import { Link } from "react-router";
import { useUnreadCount } from "../api/risk.js";
import { useI18n } from "../i18n/index.js";

/** The header's bell: the unread notifications' count, a link to the list. */
export function NotificationBell() {
  const { t } = useI18n();
  const unread = useUnreadCount().data?.unread ?? 0;
  return (
    <Link to="/notifications" style={{ paddingInline: 8, display: "inline-flex", alignItems: "center" }}>
      {/* The badge's number is for the eye; its name says it in words. */}
      <span aria-hidden>
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18, color: "#1f1f1f" }} />
        </Badge>
      </span>
      <span className="wx-sr-only">{t("header.notifications", { count: unread })}</span>
    </Link>
  );
}
