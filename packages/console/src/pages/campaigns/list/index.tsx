import { ArrowLeftOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Flex, Progress, Select, Table, type TableColumnsType, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { type Campaign, type CampaignStatus, STATUSES, useCampaigns } from "../../../api/campaigns.js";
import { mayTake, useWhoami } from "../../../api/session.js";
import { campaignsDictionary } from "../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { formatTime } from "../../../lib/time.js";
import { campaignError, msOf, percentDone, StatusTag } from "../shared.js";
import { SettingsCard } from "./components/SettingsCard.js";

/** An account's campaigns, newest first, with their state and progress. */
export function CampaignsPage() {
  const { appId = "" } = useParams();
  const { t } = useSectionI18n(campaignsDictionary);
  const navigate = useNavigate();
  const who = useWhoami();
  const [status, setStatus] = useState<CampaignStatus | undefined>();
  const campaigns = useCampaigns(appId, status);
  const items = campaigns.data?.pages.flatMap((page) => page.items) ?? [];

  const columns: TableColumnsType<Campaign> = [
    {
      title: t("camp.name"),
      key: "name",
      render: (_, c) => <Link to={`/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</Link>,
    },
    { title: t("camp.channel"), key: "channel", render: (_, c) => t(`camp.channel.${c.channel}`) },
    {
      title: t("camp.status"),
      key: "status",
      width: 110,
      render: (_, c) => <StatusTag t={t} status={c.status} />,
    },
    {
      title: t("camp.progress"),
      key: "progress",
      width: 180,
      render: (_, c) =>
        c.status === "draft" ? (
          "—"
        ) : (
          <Progress
            percent={percentDone(c.progress)}
            size="small"
            aria-label={`${t("camp.progress")} ${c.name}`}
          />
        ),
    },
    {
      title: t("camp.createdAt"),
      key: "createdAt",
      width: 230,
      render: (_, c) => formatTime(msOf(c.createdAt)),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("camp.back")}
        </Button>
      </Link>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t("camp.title")} · {appId}
        </Typography.Title>
        {mayTake(who.data, "campaigns.create", appId) && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => navigate(`/accounts/${encodeURIComponent(appId)}/campaigns/new`)}
          >
            {t("camp.create")}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("camp.intro")}
      </Typography.Paragraph>
      <Select<CampaignStatus | "">
        aria-label={t("camp.filterStatus")}
        style={{ width: 200 }}
        value={status ?? ""}
        onChange={(value) => setStatus(value === "" ? undefined : value)}
        options={[
          { value: "", label: t("camp.allStatuses") },
          ...STATUSES.map((s) => ({ value: s, label: t(`camp.status.${s}`) })),
        ]}
      />
      {campaigns.isError && <Alert type="error" showIcon message={campaignError(t, campaigns.error)} />}
      <Table<Campaign>
        rowKey="id"
        aria-label={t("camp.list")}
        loading={campaigns.isPending}
        columns={columns}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t("camp.empty") }}
        scroll={{ x: true }}
      />
      {campaigns.hasNextPage && (
        <Button
          style={{ alignSelf: "center" }}
          loading={campaigns.isFetchingNextPage}
          onClick={() => void campaigns.fetchNextPage()}
        >
          {t("camp.loadMore")}
        </Button>
      )}
      {mayTake(who.data, "campaigns.approve", appId) && <SettingsCard appId={appId} />}
    </Flex>
  );
}
