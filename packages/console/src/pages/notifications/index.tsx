import { Button, Card, Flex, List, Switch, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/errors.js";
import { type Notification, useMarkRead, useNotifications } from "../../api/risk.js";
import { isMessageKey, type Translate, useSectionI18n } from "../../i18n/index.js";
import { notificationsDictionary } from "../../i18n/notifications.js";
import { formatTime } from "../../lib/time.js";

/** A notification in words: its kind's sentence with its facts. */
export function describeNotification(t: Translate, n: Notification): string {
  const d = n.data;
  const actor = (d["actor"] ?? {}) as { name?: unknown; kind?: unknown };
  const action = String(d["action"] ?? "");
  const actionKey = `actions.risk.${action}`;
  const vars: Record<string, string | number> = {
    actor: String(actor.name ?? ""),
    appid: n.appid ?? "—",
    action: isMessageKey(actionKey) ? t(actionKey) : action,
    count: Number(d["count"] ?? 0),
    perHour: Number(d["perHour"] ?? 0),
    minutes: Number(d["minutes"] ?? 0),
    subject: String(d["username"] ?? d["ip"] ?? ""),
    username: String(d["username"] ?? ""),
    ip: String(d["ip"] ?? ""),
    range: String(d["range"] ?? ""),
  };
  const key = `notifications.kind.${n.kind}`;
  return isMessageKey(key) ? t(key, vars) : n.kind;
}

/** 通知: the signed-in user's notifications, newest first, marked read one by one or all. */
export function NotificationsPage() {
  const { t } = useSectionI18n(notificationsDictionary);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useNotifications(unreadOnly, cursors[cursors.length - 1]);
  const mark = useMarkRead();

  useEffect(() => {
    document.title = `${t("menu.notifications")} · ${t("app.name")}`;
  }, [t]);

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t("menu.notifications")}
      </Typography.Title>
      <Card>
        <Flex gap={12} align="center" wrap style={{ marginBottom: 12 }}>
          <Flex gap={8} align="center">
            <Switch
              id="unread-only"
              checked={unreadOnly}
              onChange={(on) => {
                setUnreadOnly(on);
                setCursors([]);
              }}
            />
            <label htmlFor="unread-only">{t("pages.notifications.unreadOnly")}</label>
          </Flex>
          <span className="wx-muted">
            {t("pages.notifications.unread", { count: list.data?.unread ?? 0 })}
          </span>
          <Button
            onClick={() => mark.mutate(undefined)}
            disabled={(list.data?.unread ?? 0) === 0}
            loading={mark.isPending}
          >
            {t("pages.notifications.markAll")}
          </Button>
        </Flex>
        {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
        <List
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t("pages.notifications.empty") }}
          renderItem={(n) => (
            <List.Item
              key={n.id}
              actions={
                n.readAt === null
                  ? [
                      <Button key="read" size="small" type="link" onClick={() => mark.mutate([n.id])}>
                        {t("pages.notifications.markRead")}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Flex gap={8} align="center" wrap>
                    {n.readAt === null && <Tag className="wx-tag-orange">{t("pages.notifications.new")}</Tag>}
                    <span>{describeNotification(t, n)}</span>
                  </Flex>
                }
                description={formatTime(n.createdAt)}
              />
            </List.Item>
          )}
        />
        {list.data?.nextCursor && (
          <Button onClick={() => setCursors([...cursors, list.data?.nextCursor ?? ""])}>
            {t("pages.notifications.more")}
          </Button>
        )}
      </Card>
    </Flex>
  );
}
