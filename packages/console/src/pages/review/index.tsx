import { DownloadOutlined } from "@ant-design/icons";
import { Button, Card, Flex, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useEffect } from "react";
import { errorMessage } from "../../api/errors.js";
import { type ReviewRow, reviewExportUrl, useReview } from "../../api/risk.js";
import { useSectionI18n } from "../../i18n/index.js";
import { reviewDictionary } from "../../i18n/review.js";
import { enumLabel } from "../../lib/labels.js";
import { formatDate } from "../../lib/time.js";

/**
 * 授权台账: every member of every account in reach — kind, state, switches, departments, when
 * their access ends, when last active, a second factor — with flags for what wants a look,
 * exported as CSV for the periodic review.
 */
export function ReviewPage() {
  const { t } = useSectionI18n(reviewDictionary);
  const review = useReview();

  useEffect(() => {
    document.title = `${t("menu.review")} · ${t("app.name")}`;
  }, [t]);

  const columns: TableColumnsType<ReviewRow> = [
    {
      title: t("pages.review.account"),
      key: "appid",
      width: 190,
      render: (_, r) => (r.appid === "*" ? t("pages.review.everyAccount") : r.appid),
    },
    {
      title: t("pages.review.member"),
      key: "member",
      render: (_, r) => (r.displayName ? `${r.displayName} (${r.username})` : r.username),
    },
    {
      title: t("pages.review.kind"),
      key: "kind",
      render: (_, r) => enumLabel(t, "pages.review.kinds", r.kind),
    },
    {
      title: t("pages.review.state"),
      key: "state",
      render: (_, r) => enumLabel(t, "pages.review.states", r.state),
    },
    {
      title: t("pages.review.switches"),
      key: "switches",
      render: (_, r) =>
        r.kind === "super_admin" || r.kind === "owner" || r.kind === "admin"
          ? t("pages.review.allSwitches")
          : String(r.switches.length),
    },
    {
      title: t("pages.review.departments"),
      key: "departments",
      render: (_, r) => r.departments.join("、") || "—",
    },
    { title: t("pages.review.expires"), key: "expires", render: (_, r) => formatDate(r.expiresAt) },
    { title: t("pages.review.lastActive"), key: "last", render: (_, r) => formatDate(r.lastActiveAt) },
    {
      title: t("pages.review.flags"),
      key: "flags",
      render: (_, r) =>
        r.flags.length === 0 ? (
          <span className="wx-muted">{t("pages.review.noFlags")}</span>
        ) : (
          r.flags.map((flag) => (
            <Tag key={flag} className="wx-tag-orange">
              {enumLabel(t, "pages.review.flag", flag)}
            </Tag>
          ))
        ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t("menu.review")}
      </Typography.Title>
      <Typography.Paragraph className="wx-muted" style={{ margin: 0 }}>
        {t("pages.review.intro")}
      </Typography.Paragraph>
      <Card>
        <Flex justify="end" style={{ marginBottom: 12 }}>
          <Button icon={<DownloadOutlined />} href={reviewExportUrl}>
            {t("pages.review.export")}
          </Button>
        </Flex>
        {review.isError && <Typography.Text type="danger">{errorMessage(t, review.error)}</Typography.Text>}
        <Table
          rowKey={(r) => `${r.appid}:${r.userId}`}
          loading={review.isPending}
          dataSource={review.data?.items ?? []}
          columns={columns}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t("pages.review.empty") }}
        />
      </Card>
    </Flex>
  );
}
