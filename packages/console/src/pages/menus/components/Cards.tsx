import { App, Button, Card, Empty, Flex, List, Popconfirm, Table, Tag, Typography } from "antd";
import { errorMessage } from "../../../api/errors.js";
import {
  type LiveMenus,
  type MenuPublication,
  useDeleteMenus,
  useLiveMenus,
  useMenuClicks,
  useMenuHistory,
  useRestoreMenu,
} from "../../../api/menus.js";
import { type MenusTranslate, menusKey } from "../../../i18n/menus.js";
import { formatTime } from "../../../lib/time.js";

/** The menu WeChat holds, read on request; it can be loaded into the editor or deleted. */
export function LiveCard({
  t,
  appId,
  editable,
  onEdit,
}: {
  t: MenusTranslate;
  appId: string;
  editable: boolean;
  onEdit(live: LiveMenus): void;
}) {
  const { message } = App.useApp();
  const live = useLiveMenus(appId, true);
  const remove = useDeleteMenus(appId);
  const data = live.data;
  return (
    <Card
      title={t("menus.live")}
      data-testid="live-menu"
      extra={
        <Button size="small" loading={live.isFetching} onClick={() => void live.refetch()}>
          {t("menus.readBack")}
        </Button>
      }
    >
      {live.error ? (
        <Typography.Text type="danger">{errorMessage(t, live.error)}</Typography.Text>
      ) : !data?.open || data.current.length === 0 ? (
        <Typography.Text type="secondary">{t("menus.liveNone")}</Typography.Text>
      ) : (
        <Flex vertical gap={8}>
          <ul className="wx-live-menu">
            {data.current.map((button, top) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position in the menu
              <li key={top}>
                <Typography.Text strong>{button.name}</Typography.Text>
                {button.sub_button && (
                  <ul>
                    {button.sub_button.list.map((sub, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position in the menu
                      <li key={index}>{sub.name}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          {data.conditional.length > 0 && (
            <Typography.Text type="secondary">
              {t("menus.liveConditional", { count: data.conditional.length })}
            </Typography.Text>
          )}
          {editable && (
            <Flex gap={8} wrap>
              {data.menu && <Button onClick={() => onEdit(data)}>{t("menus.loadLive")}</Button>}
              <Popconfirm
                title={t("menus.deleteConfirm")}
                onConfirm={() =>
                  remove.mutateAsync(undefined).then(
                    () => void message.success(t("menus.deleted")),
                    (error: unknown) => void message.error(errorMessage(t, error)),
                  )
                }
              >
                <Button danger loading={remove.isPending}>
                  {t("menus.deleteLive")}
                </Button>
              </Popconfirm>
            </Flex>
          )}
        </Flex>
      )}
    </Card>
  );
}

/** Every change WeChat accepted, newest first; a published menu can come back. */
export function HistoryCard({
  t,
  appId,
  editable,
  onRestored,
}: {
  t: MenusTranslate;
  appId: string;
  editable: boolean;
  onRestored(menu: MenuPublication["menu"]): void;
}) {
  const { message } = App.useApp();
  const history = useMenuHistory(appId);
  const restore = useRestoreMenu(appId);
  const run = (item: MenuPublication, publish: boolean) =>
    restore.mutate(
      { id: item.id, publish },
      {
        onSuccess: (answer) => {
          onRestored(answer.draft.menu);
          void message.success(t(publish ? "menus.restoredPublished" : "menus.restored"));
        },
        onError: (error) => void message.error(errorMessage(t, error)),
      },
    );
  return (
    <Card title={t("menus.history")} data-testid="menu-history">
      <List
        loading={history.isLoading}
        dataSource={history.data ?? []}
        locale={{ emptyText: <Empty description={t("menus.historyEmpty")} /> }}
        renderItem={(item) => {
          const kind = menusKey(`menus.kind.${item.kind}`);
          const names = item.menu?.button.map((b) => b.name).join(" · ");
          return (
            <List.Item
              actions={
                editable && item.menu
                  ? [
                      <Button key="draft" size="small" onClick={() => run(item, false)}>
                        {t("menus.restore")}
                      </Button>,
                      <Button key="publish" size="small" onClick={() => run(item, true)}>
                        {t("menus.restorePublish")}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Flex gap={8} wrap>
                    <Tag>{kind ? t(kind) : item.kind}</Tag>
                    {names}
                  </Flex>
                }
                description={t("menus.by", { who: item.publishedBy, at: formatTime(item.publishedAt) })}
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

/** Taps of the last 7 days, per day, event and key. */
export function ClicksCard({ t, appId }: { t: MenusTranslate; appId: string }) {
  const clicks = useMenuClicks(appId);
  return (
    <Card title={t("menus.clicks")} data-testid="menu-clicks">
      <Table
        size="small"
        loading={clicks.isLoading}
        pagination={false}
        rowKey={(row) => `${row.day}|${row.event}|${row.key}`}
        dataSource={clicks.data?.items ?? []}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("menus.clicksEmpty")} />,
        }}
        columns={[
          { title: t("menus.clicks.day"), dataIndex: "day" },
          { title: t("menus.clicks.event"), dataIndex: "event" },
          { title: t("menus.clicks.key"), dataIndex: "key", ellipsis: true },
          { title: t("menus.clicks.count"), dataIndex: "clicks", align: "right" },
        ]}
      />
    </Card>
  );
}
