import { Button, Card, Flex, Input, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { type EventItem, useEvents } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useI18n } from "../../../../i18n/index.js";
import { enumLabel } from "../../../../lib/labels.js";
import { formatTime } from "../../../../lib/time.js";

/** The account's received pushes, newest first, ten a page, filtered by type. */
export function EventLog({ appId }: { appId: string }) {
  const { t } = useI18n();
  const [type, setType] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const events = useEvents(appId, type, cursor);
  const columns: TableColumnsType<EventItem> = [
    {
      title: t("fields.event.receivedAt"),
      key: "at",
      width: 230,
      render: (_, e) => formatTime(e.receivedAt),
    },
    {
      title: t("fields.event.type"),
      key: "type",
      render: (_, e) => (
        <span>
          {enumLabel(t, "fields.event.kind", e.kind)}{" "}
          <Typography.Text code>{e.event ?? e.msgType ?? "—"}</Typography.Text>
        </span>
      ),
    },
    {
      title: t("fields.event.from"),
      key: "from",
      ellipsis: true,
      render: (_, e) => e.fromOpenId ?? "—",
    },
    { title: t("fields.event.status"), key: "status", width: 160, render: (_, e) => <Tag>{e.status}</Tag> },
    {
      title: t("fields.event.replied"),
      key: "replied",
      width: 90,
      render: (_, e) => (e.replied ? t("common.yes") : t("common.no")),
    },
  ];
  return (
    <Card
      size="small"
      title={<h2 className="wx-card-title">{t("pages.account.events")}</h2>}
      extra={
        <Input.Search
          allowClear
          size="small"
          placeholder={t("pages.account.eventType")}
          aria-label={t("pages.account.eventType")}
          onSearch={(value) => {
            setType(value.trim());
            setCursors([]);
          }}
          style={{ width: 180 }}
        />
      }
    >
      {events.isError && <Typography.Text type="danger">{errorMessage(t, events.error)}</Typography.Text>}
      <Table<EventItem>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        scroll={{ x: 700 }}
        loading={events.isFetching}
        columns={columns}
        dataSource={events.data?.items ?? []}
        pagination={false}
      />
      <Flex gap={8} justify="flex-end" style={{ marginTop: 8 }}>
        <Button size="small" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ‹
        </Button>
        <Button
          size="small"
          disabled={!events.data?.nextCursor}
          onClick={() => events.data?.nextCursor && setCursors([...cursors, events.data.nextCursor])}
        >
          {t("pages.account.loadMore")} ›
        </Button>
      </Flex>
    </Card>
  );
}
