import { Progress as Bar, Card, Descriptions, Empty, Flex, Typography } from "antd";
import { type Progress, RECIPIENT_STATUSES } from "../../../../api/campaigns.js";
import { type CampaignsTranslate, campaignText } from "../../../../i18n/campaigns.js";
import { durationText, percentDone } from "../../shared.js";

function Title({ children }: { children: string }) {
  return (
    <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
      {children}
    </Typography.Title>
  );
}

/** The send's progress: the bar, the totals per state, the rate, the time left and the receipts. */
export function ProgressCard({
  t,
  progress,
  live,
}: {
  t: CampaignsTranslate;
  progress: Progress;
  live: boolean;
}) {
  const percent = percentDone(progress);
  const sent = progress.total === 0 ? 0 : Math.floor((progress.byStatus.sent / progress.total) * 100);
  return (
    <Card size="small" title={<Title>{t("camp.progressTitle")}</Title>}>
      <Bar
        percent={percent}
        success={{ percent: sent }}
        status={live ? "active" : progress.byStatus.failed > 0 ? "exception" : "normal"}
        aria-label={t("camp.progressTitle")}
        data-testid="campaign-progress"
      />
      <Descriptions
        size="small"
        column={{ xs: 2, sm: 3, md: 4, lg: 6 }}
        style={{ marginTop: 12 }}
        items={[
          { key: "total", label: t("camp.total"), children: progress.total },
          ...RECIPIENT_STATUSES.map((s) => ({
            key: s,
            label: t(`camp.byStatus.${s}`),
            children: progress.byStatus[s],
          })),
          {
            key: "rate",
            label: t("camp.rate"),
            children: t("camp.rateValue", { rate: progress.ratePerSecond.toFixed(1) }),
          },
          {
            key: "eta",
            label: t("camp.eta"),
            children: progress.etaSeconds === null || !live ? "—" : durationText(t, progress.etaSeconds),
          },
          {
            key: "receipts",
            label: t("camp.receipts"),
            children: t("camp.receiptsValue", progress.receipts),
          },
        ]}
      />
    </Card>
  );
}

/** Bars of counts, the longest the full width: light enough to need no chart library. */
function Bars({
  t,
  rows,
  label,
}: {
  t: CampaignsTranslate;
  rows: { key: string; label: string; count: number }[];
  label: string;
}) {
  const most = Math.max(1, ...rows.map((r) => r.count));
  return (
    <Flex vertical gap={6} role="list" aria-label={label}>
      {rows.map((row) => (
        <Flex key={row.key} gap={8} align="center" role="listitem">
          <Typography.Text style={{ flex: "0 0 40%", minWidth: 0 }} ellipsis={{ tooltip: row.label }}>
            {row.label}
          </Typography.Text>
          <div style={{ flex: 1, minWidth: 0 }}>
            <div
              style={{
                width: `${(row.count / most) * 100}%`,
                minWidth: 2,
                height: 12,
                background: "#1677ff",
                borderRadius: 2,
              }}
            />
          </div>
          <Typography.Text style={{ flex: "0 0 auto" }}>
            {t("camp.count", { count: row.count })}
          </Typography.Text>
        </Flex>
      ))}
    </Flex>
  );
}

/** Why recipients were not reached: the failures by WeChat error code, the skipped by reason. */
export function BreakdownCard({ t, progress }: { t: CampaignsTranslate; progress: Progress }) {
  return (
    <Flex gap={16} wrap>
      <Card
        size="small"
        style={{ flex: "1 1 300px", minWidth: 0 }}
        title={<Title>{t("camp.errcodes")}</Title>}
      >
        {progress.errcodes.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("camp.noErrcodes")} />
        ) : (
          <Bars
            t={t}
            label={t("camp.errcodes")}
            rows={progress.errcodes.map((e) => ({
              key: String(e.errcode),
              label: String(e.errcode),
              count: e.count,
            }))}
          />
        )}
      </Card>
      <Card
        size="small"
        style={{ flex: "1 1 300px", minWidth: 0 }}
        title={<Title>{t("camp.skippedTitle")}</Title>}
      >
        {progress.skipped.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("camp.noSkipped")} />
        ) : (
          <Bars
            t={t}
            label={t("camp.skippedTitle")}
            rows={progress.skipped.map((s) => ({
              key: s.reason,
              label: campaignText(t, "campr.skip.", s.reason) ?? s.reason,
              count: s.count,
            }))}
          />
        )}
      </Card>
    </Flex>
  );
}
