import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Drawer,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/errors.js";
import {
  type Delivery,
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useRetryDelivery,
  useSetWebhookEnabled,
  useWebhooks,
  type Webhook,
} from "../../api/webhooks.js";
import { SecretFormDialog } from "../../components/SecretFormDialog.js";
import { useSectionI18n } from "../../i18n/index.js";
import { webhooksDictionary } from "../../i18n/webhooks.js";
import { enumLabel } from "../../lib/labels.js";
import { formatTime } from "../../lib/time.js";

const STATUS_TONE: Record<string, string> = {
  delivered: "wx-tag-green",
  failed: "wx-tag-red",
  pending: "wx-tag-orange",
  skipped: "wx-tag-grey",
};

function Deliveries({ webhook, onClose }: { webhook: Webhook; onClose(): void }) {
  const { t } = useSectionI18n(webhooksDictionary);
  const { message } = App.useApp();
  const [status, setStatus] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const deliveries = useDeliveries(webhook.id, status, cursors[cursors.length - 1]);
  const retry = useRetryDelivery();
  const columns: TableColumnsType<Delivery> = [
    {
      title: t("fields.delivery.createdAt"),
      key: "at",
      width: 220,
      render: (_, d) => formatTime(d.createdAt),
    },
    {
      title: t("fields.delivery.status"),
      key: "status",
      width: 110,
      render: (_, d) => (
        <Tag className={STATUS_TONE[d.status]}>{enumLabel(t, "fields.delivery.status", d.status)}</Tag>
      ),
    },
    { title: t("fields.delivery.attempts"), key: "attempts", width: 80, render: (_, d) => d.attempts },
    {
      title: t("fields.delivery.result"),
      key: "result",
      ellipsis: true,
      render: (_, d) => (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "—")),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 110,
      render: (_, d) => (
        <Button
          size="small"
          disabled={d.status === "pending"}
          onClick={() =>
            retry.mutate(
              { webhookId: webhook.id, deliveryId: d.id },
              {
                onSuccess: () => void message.success(t("pages.webhooks.retried")),
                onError: (error) => void message.error(errorMessage(t, error)),
              },
            )
          }
        >
          {t("pages.webhooks.retry")}
        </Button>
      ),
    },
  ];
  return (
    <Drawer
      open
      title={t("pages.webhooks.deliveries", { name: webhook.name || webhook.url })}
      onClose={onClose}
      width="min(100vw, 860px)"
    >
      <Flex vertical gap={12}>
        <Select<string>
          value={status}
          onChange={(value) => {
            setStatus(value);
            setCursors([]);
          }}
          aria-label={t("fields.delivery.status")}
          style={{ width: 180 }}
          options={[
            { value: "", label: t("common.all") },
            ...["pending", "delivered", "failed", "skipped"].map((value) => ({
              value,
              label: enumLabel(t, "fields.delivery.status", value),
            })),
          ]}
        />
        <Table<Delivery>
          rowKey="id"
          size="small"
          tableLayout="fixed"
          scroll={{ x: 640 }}
          loading={deliveries.isFetching}
          columns={columns}
          dataSource={deliveries.data?.items ?? []}
          pagination={false}
        />
        <Flex gap={8} justify="flex-end">
          <Button
            size="small"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ‹
          </Button>
          <Button
            size="small"
            disabled={!deliveries.data?.nextCursor}
            onClick={() =>
              deliveries.data?.nextCursor && setCursors([...cursors, deliveries.data.nextCursor])
            }
          >
            {t("pages.account.loadMore")} ›
          </Button>
        </Flex>
      </Flex>
    </Drawer>
  );
}

interface NewWebhook {
  name: string;
  url: string;
  events: string;
  accounts: string;
}

function list(text: string): string[] | undefined {
  const items = text
    .split(/[\s,，]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** Webhooks: create (the signing secret shown once), enable or pause, delete, the delivery log. */
export function WebhooksPage() {
  const { t } = useSectionI18n(webhooksDictionary);
  const { message, modal } = App.useApp();
  const webhooks = useWebhooks();
  const create = useCreateWebhook();
  const setEnabled = useSetWebhookEnabled();
  const remove = useDeleteWebhook();
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Webhook | null>(null);

  useEffect(() => {
    document.title = `${t("menu.webhooks")} · ${t("app.name")}`;
  }, [t]);

  const columns: TableColumnsType<Webhook> = [
    {
      title: t("fields.webhook.name"),
      key: "name",
      render: (_, w) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <span>{w.name || "—"}</span>
          <span className="wx-muted wx-small" style={{ overflowWrap: "anywhere" }}>
            {w.url}
          </span>
        </Flex>
      ),
    },
    {
      title: t("fields.webhook.events"),
      key: "events",
      width: 180,
      render: (_, w) => <span style={{ overflowWrap: "anywhere" }}>{w.events.join(", ")}</span>,
    },
    {
      title: t("fields.webhook.enabled"),
      key: "enabled",
      width: 100,
      render: (_, w) => (
        <Switch
          checked={w.enabled}
          aria-label={t("fields.webhook.enabled")}
          onChange={(enabled) =>
            setEnabled.mutate(
              { id: w.id, enabled },
              { onError: (error) => void message.error(errorMessage(t, error)) },
            )
          }
        />
      ),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 210,
      render: (_, w) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setViewing(w)}>
            {t("pages.webhooks.deliveryLog")}
          </Button>
          <Button
            size="small"
            danger
            onClick={() =>
              modal.confirm({
                title: t("pages.webhooks.deleteConfirm", { name: w.name || w.url }),
                okText: t("actions.delete"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  remove
                    .mutateAsync(w.id)
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t("actions.delete")}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <div style={{ minWidth: 0, flex: "1 1 360px" }}>
          <h1 className="wx-title">{t("menu.webhooks")}</h1>
          <p className="wx-muted" style={{ margin: 0 }}>
            {t("pages.webhooks.intro")}
          </p>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("pages.webhooks.create")}
        </Button>
      </Flex>
      {webhooks.isError && <Alert type="error" showIcon message={errorMessage(t, webhooks.error)} />}
      <Table<Webhook>
        rowKey="id"
        tableLayout="fixed"
        scroll={{ x: 720 }}
        loading={webhooks.isPending}
        columns={columns}
        dataSource={webhooks.data ?? []}
        pagination={false}
      />
      <SecretFormDialog<NewWebhook>
        open={creating}
        title={t("pages.webhooks.create")}
        secretTitle={t("pages.webhooks.secretTitle")}
        submit={async (values) => {
          const events = list(values.events ?? "");
          const accounts = list(values.accounts ?? "");
          const created = await create.mutateAsync({
            name: values.name?.trim() ?? "",
            url: values.url.trim(),
            ...(events ? { events } : {}),
            ...(accounts ? { accounts } : {}),
          });
          return created.secret;
        }}
        onClose={() => setCreating(false)}
      >
        <Form.Item name="name" label={t("fields.webhook.name")}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="url"
          label={t("fields.webhook.url")}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: t("fields.webhook.url") }),
            },
          ]}
        >
          <Input placeholder="https://example.com/wechat-events" inputMode="url" />
        </Form.Item>
        <Form.Item name="events" label={t("fields.webhook.events")} extra={t("pages.webhooks.eventsHint")}>
          <Input placeholder="*" />
        </Form.Item>
        <Form.Item
          name="accounts"
          label={t("fields.webhook.accounts")}
          extra={t("pages.webhooks.accountsHint")}
        >
          <Input placeholder="*" />
        </Form.Item>
      </SecretFormDialog>
      {viewing && <Deliveries webhook={viewing} onClose={() => setViewing(null)} />}
      <Typography.Text className="wx-muted wx-small">{t("pages.webhooks.signature")}</Typography.Text>
    </Flex>
  );
}
