import { Alert, Button, Card, Flex, Select, Table, Tag, Typography } from "antd";
import { useState } from "react";
import {
  RECIPIENT_STATUSES,
  type Recipient,
  type RecipientStatus,
  useRecipients,
} from "../../../../api/campaigns.js";
import { type CampaignsTranslate, campaignText } from "../../../../i18n/campaigns.js";
import { formatTime } from "../../../../lib/time.js";
import { campaignError, msOf } from "../../shared.js";

// The console's own tag tones (styles.css), readable at 4.5:1.
const TONES: Record<RecipientStatus, string> = {
  pending: "wx-tag-grey",
  sending: "wx-tag-blue",
  sent: "wx-tag-green",
  failed: "wx-tag-red",
  skipped: "wx-tag-orange",
};

/** A row's outcome: WeChat's error code (and the rid to look it up) and why, in words. */
function outcomeOf(t: CampaignsTranslate, r: Recipient): string {
  const why = r.reason
    ? (campaignText(t, "campr.skip.", r.reason) ?? campaignText(t, "campr.row.", r.reason) ?? r.reason)
    : "";
  const code = r.errcode === null ? "" : `${r.errcode}${r.rid ? ` (rid ${r.rid})` : ""}`;
  return [code, why].filter(Boolean).join(" · ") || "—";
}

/** The delivery rows, one per recipient, filtered by state, a page at a time. */
export function RecipientsCard({ t, id, live }: { t: CampaignsTranslate; id: string; live: boolean }) {
  const [status, setStatus] = useState<RecipientStatus | undefined>();
  const rows = useRecipients(id, status, live);
  const items = rows.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t("camp.recipients")}
        </Typography.Title>
      }
    >
      <Flex vertical gap={12}>
        <Select<RecipientStatus | "">
          aria-label={t("camp.recipientsFilter")}
          style={{ width: 200 }}
          value={status ?? ""}
          onChange={(value) => setStatus(value === "" ? undefined : value)}
          options={[
            { value: "", label: t("camp.allRecipients") },
            ...RECIPIENT_STATUSES.map((s) => ({ value: s, label: t(`camp.byStatus.${s}`) })),
          ]}
        />
        {rows.isError && <Alert type="error" showIcon message={campaignError(t, rows.error)} />}
        <Table<Recipient>
          rowKey="openId"
          size="small"
          aria-label={t("camp.recipients")}
          loading={rows.isPending}
          dataSource={items}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: t("camp.noRecipients") }}
          columns={[
            { title: t("camp.openId"), dataIndex: "openId", key: "openId" },
            {
              title: t("camp.status"),
              key: "status",
              render: (_, r) => <Tag className={TONES[r.status]}>{t(`camp.byStatus.${r.status}`)}</Tag>,
            },
            { title: t("camp.attempts"), dataIndex: "attempts", key: "attempts" },
            { title: t("camp.msgid"), key: "msgid", render: (_, r) => r.msgid ?? "—" },
            {
              title: t("camp.errcode"),
              key: "errcode",
              render: (_, r) => outcomeOf(t, r),
            },
            {
              title: t("camp.sentAt"),
              key: "sentAt",
              render: (_, r) => <span style={{ whiteSpace: "nowrap" }}>{formatTime(msOf(r.sentAt))}</span>,
            },
          ]}
        />
        {rows.hasNextPage && (
          <Button
            style={{ alignSelf: "center" }}
            loading={rows.isFetchingNextPage}
            onClick={() => void rows.fetchNextPage()}
          >
            {t("camp.loadMore")}
          </Button>
        )}
      </Flex>
    </Card>
  );
}
