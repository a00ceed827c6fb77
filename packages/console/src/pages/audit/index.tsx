import { DownloadOutlined } from "@ant-design/icons";
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Input,
  Select,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import {
  type AuditEntry,
  type AuditFilters,
  type AuditOutcome,
  auditExportUrl,
  useAuditEntries,
} from "../../api/audit.js";
import { errorMessage } from "../../api/errors.js";
import { auditDictionary } from "../../i18n/audit.js";
import { useSectionI18n } from "../../i18n/index.js";
import { useDayjsLocale } from "../../lib/dayjs-locale.js";
import { enumLabel } from "../../lib/labels.js";
import { formatTime } from "../../lib/time.js";

/** The console's own tag colours: antd's presets are too pale to read (contrast under 4.5:1). */
const OUTCOME_TAGS: Record<AuditOutcome, string> = {
  ok: "wx-tag-green",
  refused: "wx-tag-orange",
  failed: "wx-tag-red",
};

/**
 * 审计日志: every changing request — who, when, from where, on which account, what, and how it
 * ended — newest first, filtered by person, account, action, outcome and time, exported as CSV.
 */
export function AuditPage() {
  const { t } = useSectionI18n(auditDictionary);
  useDayjsLocale();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [actorName, setActorName] = useState<string | undefined>();
  const [cursors, setCursors] = useState<string[]>([]);
  const entries = useAuditEntries(filters, cursors[cursors.length - 1]);
  const filter = (next: AuditFilters) => {
    setFilters({ ...filters, ...next });
    setCursors([]);
  };

  const columns: TableColumnsType<AuditEntry> = [
    { title: t("fields.audit.time"), key: "at", width: 220, render: (_, e) => formatTime(e.at) },
    {
      title: t("fields.audit.actor"),
      key: "actor",
      width: 170,
      ellipsis: true,
      render: (_, e) =>
        e.actor ? (
          <Button
            type="link"
            size="small"
            style={{ padding: 0 }}
            title={t("pages.audit.onlyThisActor")}
            onClick={() => {
              setActorName(e.actor?.name);
              filter({ actor: e.actor?.id });
            }}
          >
            {e.actor.name}
            <span className="wx-muted"> · {enumLabel(t, "fields.audit.actorKind", e.actor.kind)}</span>
          </Button>
        ) : (
          <span className="wx-muted">{t("pages.audit.anonymous")}</span>
        ),
    },
    {
      title: t("fields.audit.action"),
      key: "action",
      ellipsis: true,
      render: (_, e) => (
        <span>
          <Typography.Text code>{e.action}</Typography.Text>{" "}
          <span className="wx-muted">
            {e.method} {e.route.replace(/^\/api\/v1/, "")}
          </span>
        </span>
      ),
    },
    {
      title: t("fields.audit.account"),
      key: "appid",
      width: 170,
      ellipsis: true,
      render: (_, e) => e.appid ?? "—",
    },
    {
      title: t("fields.audit.outcome"),
      key: "outcome",
      width: 150,
      render: (_, e) => (
        <span>
          <Tag className={OUTCOME_TAGS[e.outcome]}>{enumLabel(t, "fields.audit.outcomes", e.outcome)}</Tag>
          <span className="wx-muted">{e.errorCode ?? e.status}</span>
        </span>
      ),
    },
    { title: t("fields.audit.ip"), key: "ip", width: 130, ellipsis: true, render: (_, e) => e.ip },
  ];

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t("pages.audit.title")}
      </Typography.Title>
      <Typography.Paragraph className="wx-muted" style={{ margin: 0 }}>
        {t("pages.audit.intro")}
      </Typography.Paragraph>
      <Card size="small">
        <Flex wrap gap={8} align="center">
          <Input.Search
            allowClear
            style={{ width: 200 }}
            placeholder={t("fields.audit.account")}
            aria-label={t("fields.audit.account")}
            onSearch={(value) => filter({ appid: value.trim() || undefined })}
          />
          <Input.Search
            allowClear
            style={{ width: 220 }}
            placeholder={t("pages.audit.actionPlaceholder")}
            aria-label={t("fields.audit.action")}
            onSearch={(value) => filter({ action: value.trim() || undefined })}
          />
          <Select<AuditOutcome | "">
            style={{ width: 150 }}
            aria-label={t("fields.audit.outcome")}
            value={filters.outcome ?? ""}
            onChange={(value) => filter({ outcome: value || undefined })}
            options={[
              { value: "", label: t("pages.audit.anyOutcome") },
              ...(["ok", "refused", "failed"] as const).map((value) => ({
                value,
                label: enumLabel(t, "fields.audit.outcomes", value),
              })),
            ]}
          />
          <DatePicker.RangePicker
            showTime
            aria-label={t("pages.audit.timeRange")}
            onChange={(dates) =>
              filter({ from: dates?.[0]?.valueOf() ?? undefined, to: dates?.[1]?.valueOf() ?? undefined })
            }
          />
          {filters.actor && (
            <Tag
              closable
              onClose={() => {
                setActorName(undefined);
                filter({ actor: undefined });
              }}
            >
              {t("pages.audit.byActor", { name: actorName ?? filters.actor })}
            </Tag>
          )}
          <Button icon={<DownloadOutlined />} href={auditExportUrl(filters)} style={{ marginLeft: "auto" }}>
            {t("pages.audit.export")}
          </Button>
        </Flex>
      </Card>
      {entries.isError && <Typography.Text type="danger">{errorMessage(t, entries.error)}</Typography.Text>}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        scroll={{ x: 1000 }}
        loading={entries.isFetching}
        columns={columns}
        dataSource={entries.data?.items ?? []}
        pagination={false}
        expandable={{
          expandedRowRender: (e) => (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t("fields.audit.summary")}>
                <pre className="wx-pre">{e.summary === null ? "—" : JSON.stringify(e.summary, null, 2)}</pre>
              </Descriptions.Item>
              <Descriptions.Item label={t("fields.audit.target")}>
                <Typography.Text code>{JSON.stringify(e.target)}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("fields.audit.userAgent")}>{e.userAgent ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("fields.audit.requestId")}>
                <Typography.Text copyable>{e.requestId}</Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          ),
        }}
      />
      <Flex gap={8} justify="flex-end">
        <Button size="small" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ‹
        </Button>
        <Button
          size="small"
          disabled={!entries.data?.nextCursor}
          onClick={() => entries.data?.nextCursor && setCursors([...cursors, entries.data.nextCursor])}
        >
          {t("pages.account.loadMore")} ›
        </Button>
      </Flex>
    </Flex>
  );
}
