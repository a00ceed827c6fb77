import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Button, DatePicker, Empty, Flex, Segmented, Spin, Table } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { lazy, Suspense, useMemo, useState } from "react";
import { exportHref, type QrSeries, type QrTotals, useQrStats } from "../../../api/qrcodes.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { qrcodesDictionary } from "../../../i18n/qrcodes.js";
import { qrErrorMessage } from "../errors.js";

// The chart library loads only when figures are shown.
const Chart = lazy(() => import("./Chart.js"));

/** Lines on the chart: the busiest channels; the table lists all. */
const CHART_LINES = 8;
type Metric = keyof QrTotals;

/** Daily scans, new followers and unfollows per channel: a chart, a table, CSV export. */
export function StatsTab({ appId }: { appId: string }) {
  const { t } = useSectionI18n(qrcodesDictionary);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(29, "day"), dayjs()]);
  const [metric, setMetric] = useState<Metric>("newFollowers");
  const from = range[0].format("YYYY-MM-DD");
  const to = range[1].format("YYYY-MM-DD");
  const stats = useQrStats(appId, from, to);
  const metricLabel: Record<Metric, string> = {
    scans: t("qr.scans"),
    newFollowers: t("qr.newFollowers"),
    unfollows: t("qr.unfollows"),
  };
  const series = stats.data?.series ?? [];
  const lines = useMemo(
    () =>
      [...series]
        .sort((a, b) => b.totals[metric] - a.totals[metric])
        .slice(0, CHART_LINES)
        .map((s) => ({ label: s.code?.name ?? s.scene, values: s.points.map((p) => p[metric]) })),
    [series, metric],
  );

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap align="center">
        <DatePicker.RangePicker
          aria-label={t("qr.range")}
          allowClear={false}
          value={range}
          maxDate={dayjs()}
          onChange={(value) => {
            if (value?.[0] && value[1]) setRange([value[0], value[1]]);
          }}
        />
        <Segmented<Metric>
          aria-label={t("qr.metric")}
          value={metric}
          onChange={setMetric}
          options={(["newFollowers", "scans", "unfollows"] as const).map((value) => ({
            value,
            label: metricLabel[value],
          }))}
        />
        <Button icon={<DownloadOutlined />} href={exportHref(appId, from, to)}>
          {t("qr.export")}
        </Button>
      </Flex>
      {stats.error && <Alert type="error" showIcon message={qrErrorMessage(t, stats.error)} />}
      {stats.isPending && <Spin />}
      {stats.data && series.length === 0 && <Empty description={t("qr.statsEmpty")} />}
      {stats.data && series.length > 0 && (
        <>
          <h2 style={{ fontSize: 16, margin: 0 }}>
            {t("qr.chart", { metric: metricLabel[metric], count: lines.length })}
          </h2>
          <Suspense fallback={<Spin />}>
            <Chart
              days={stats.data.days}
              lines={lines}
              label={t("qr.chart", { metric: metricLabel[metric], count: lines.length })}
            />
          </Suspense>
          <Table<QrSeries>
            aria-label={t("qr.list")}
            rowKey="scene"
            size="small"
            dataSource={series}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: "max-content" }}
            columns={[
              { title: t("qr.name"), key: "name", render: (_, s) => s.code?.name ?? "—" },
              { title: t("qr.scene"), dataIndex: "scene", render: (scene: string) => <code>{scene}</code> },
              { title: t("qr.scans"), align: "right", render: (_, s) => s.totals.scans },
              { title: t("qr.newFollowers"), align: "right", render: (_, s) => s.totals.newFollowers },
              { title: t("qr.unfollows"), align: "right", render: (_, s) => s.totals.unfollows },
            ]}
          />
        </>
      )}
    </Flex>
  );
}
