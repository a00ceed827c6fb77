import { Button, Card, DatePicker, Flex, Input, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { type EventFilter, type EventItem, useEvents } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useI18n } from "../../../../i18n/index.js";
import { useDayjsLocale } from "../../../../lib/dayjs-locale.js";
import { enumLabel } from "../../../../lib/labels.js";
import { formatTime, PICKER_FORMAT, zoneLabel } from "../../../../lib/time.js";

/**
 * The account's received pushes, newest first, ten a page, filtered by type and by a range of
 * received times, from and to (local, the zone shown; the API's `from`/`to`, both inclusive).
 */
export function EventLog({ appId }: { appId: string }) {
  const { t } = useI18n();
  useDayjsLocale();
  const [filter, setFilter] = useState<EventFilter>({ type: "" });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const events = useEvents(appId, filter, cursor);
  const change = (next: Partial<EventFilter>) => {
    setFilter((previous) => ({ ...previous, ...next }));
    setCursors([]);
  };
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
    <Card size="small" title={<h2 className="wx-card-title">{t("pages.account.events")}</h2>}>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} data-testid="event-filters">
        <Input.Search
          allowClear
          placeholder={t("pages.account.eventType")}
          aria-label={t("pages.account.eventType")}
          onSearch={(value) => change({ type: value.trim() })}
          style={{ width: 200 }}
        />
        <span className="wx-muted">{t("pages.account.eventsRange", { zone: zoneLabel() })}</span>
        {/* Two pickers rather than one range picker: they wrap at phone width. */}
        <DatePicker
          showTime
          format={PICKER_FORMAT}
          placeholder={t("pages.account.eventsFrom")}
          aria-label={`${t("pages.account.eventsFrom")} (${zoneLabel()})`}
          onChange={(day: Dayjs | null) => change({ from: day?.startOf("second").valueOf() ?? undefined })}
          style={{ width: 210 }}
        />
        <DatePicker
          showTime
          format={PICKER_FORMAT}
          placeholder={t("pages.account.eventsTo")}
          aria-label={`${t("pages.account.eventsTo")} (${zoneLabel()})`}
          onChange={(day: Dayjs | null) => change({ to: day?.endOf("second").valueOf() ?? undefined })}
          style={{ width: 210 }}
        />
      </Flex>
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
