import { ArrowLeftOutlined, SendOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Descriptions, Flex, Spin, Typography } from "antd";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import {
  type Campaign,
  campaignKeys,
  checksOf,
  type Preflight,
  useCampaign,
  useCampaignProgress,
  usePreflight,
  useSubmitCampaign,
} from "../../../api/campaigns.js";
import { ApiError, askIdentityConfirmation } from "../../../api/client.js";
import { mayTake, useWhoami } from "../../../api/session.js";
import { type CampaignsTranslate, campaignsDictionary } from "../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { formatTime } from "../../../lib/time.js";
import { campaignError, msOf, StatusTag } from "../shared.js";
import { Actions } from "./components/Actions.js";
import { PreflightCard } from "./components/PreflightCard.js";
import { PreviewCard } from "./components/PreviewCard.js";
import { BreakdownCard, ProgressCard } from "./components/ProgressCard.js";
import { RecipientsCard } from "./components/RecipientsCard.js";

/** A campaign: before sending, its pre-flight checks and the send; then its live progress and rows. */
export function CampaignPage() {
  const { id = "" } = useParams();
  const { t } = useSectionI18n(campaignsDictionary);
  const campaign = useCampaign(id);
  if (campaign.isError) return <Alert type="error" showIcon message={campaignError(t, campaign.error)} />;
  if (!campaign.data) return <Spin />;
  return <CampaignView t={t} campaign={campaign.data} />;
}

function CampaignView({ t, campaign }: { t: CampaignsTranslate; campaign: Campaign }) {
  const who = useWhoami();
  const client = useQueryClient();
  const sending = campaign.status === "sending";
  const live = useCampaignProgress(campaign.id, sending);
  const progress = (sending ? live.data : undefined) ?? campaign.progress;
  const remaining = progress.byStatus.pending + progress.byStatus.sending;

  // The last rows done: the campaign's state (completed) and its rows are read at once, not at
  // their next poll.
  useEffect(() => {
    if (!sending || !live.data || remaining > 0) return;
    void client.invalidateQueries({ queryKey: campaignKeys.one(campaign.id), exact: true });
    void client.invalidateQueries({ queryKey: campaignKeys.allRecipients(campaign.id) });
  }, [sending, live.data, remaining, client, campaign.id]);

  const draft = campaign.status === "draft";
  const mayPreview =
    campaign.abilities.includes("preview") && mayTake(who.data, "campaigns.create", campaign.appId);
  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(campaign.appId)}/campaigns`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("camp.backToList")}
        </Button>
      </Link>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Flex align="center" gap={8} wrap>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {campaign.name}
          </Typography.Title>
          <StatusTag t={t} status={campaign.status} />
        </Flex>
        <Actions t={t} campaign={campaign} />
      </Flex>
      <Card size="small">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: "channel", label: t("camp.channel"), children: t(`camp.channel.${campaign.channel}`) },
            {
              key: "audience",
              label: t("camp.audience"),
              children: t(`camp.audience.${campaign.audience.kind}`),
            },
            { key: "createdBy", label: t("camp.createdBy"), children: campaign.createdBy?.name ?? "—" },
            { key: "createdAt", label: t("camp.createdAt"), children: formatTime(msOf(campaign.createdAt)) },
            ...(campaign.scheduledAt
              ? [
                  {
                    key: "scheduledAt",
                    label: t("camp.scheduledFor"),
                    children: formatTime(msOf(campaign.scheduledAt)),
                  },
                ]
              : []),
            ...(campaign.approvedBy
              ? [{ key: "approvedBy", label: t("camp.approvedBy"), children: campaign.approvedBy.name }]
              : []),
            ...(campaign.startedAt
              ? [
                  {
                    key: "startedAt",
                    label: t("camp.startedAt"),
                    children: formatTime(msOf(campaign.startedAt)),
                  },
                ]
              : []),
            ...(campaign.finishedAt
              ? [
                  {
                    key: "finishedAt",
                    label: t("camp.finishedAt"),
                    children: formatTime(msOf(campaign.finishedAt)),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {draft && <Sending t={t} campaign={campaign} />}
      {draft && mayPreview && <PreviewCard appId={campaign.appId} id={campaign.id} />}
      {!draft && (
        <>
          <ProgressCard t={t} progress={progress} live={sending} />
          <BreakdownCard t={t} progress={progress} />
          <RecipientsCard t={t} id={campaign.id} live={sending} />
        </>
      )}
    </Flex>
  );
}

/** The draft's pre-flight checks, run as the page opens, and the send once they pass. */
function Sending({ t, campaign }: { t: CampaignsTranslate; campaign: Campaign }) {
  const { message, modal } = App.useApp();
  const who = useWhoami();
  const preflight = usePreflight(campaign.id);
  const submit = useSubmitCampaign(campaign.id);
  const { mutate } = preflight;
  // A saved draft is checked as it is shown, and again once what it sends has changed.
  const version = JSON.stringify([campaign.channel, campaign.audience, campaign.content]);
  useEffect(() => {
    if (version) mutate();
  }, [mutate, version]);

  // A refused submit carries the checks as they stood then.
  const refused =
    submit.error instanceof ApiError && submit.error.code === "preflight_failed"
      ? checksOf(submit.error.details)
      : [];
  const result: Preflight | undefined =
    refused.length > 0 && preflight.data ? { ...preflight.data, ok: false, checks: refused } : preflight.data;
  const maySend =
    campaign.abilities.includes("submit") && mayTake(who.data, "campaigns.send", campaign.appId);

  // A mass send waits for a fresh confirmation of the sender's identity: the one check the
  // sender clears here, by entering their password again.
  const unconfirmed = result?.checks.some((c) => c.check === "confirmation" && !c.ok) === true;
  const ready = result?.checks.every((c) => c.ok || c.check === "confirmation") === true;
  const onSend = async () => {
    if (unconfirmed) {
      if (!(await askIdentityConfirmation())) return;
      mutate();
    }
    confirmSend();
  };
  const confirmSend = () =>
    modal.confirm({
      title: t("camp.sendConfirm", { name: campaign.name }),
      content: t("camp.sendConfirmHint", { eligible: result?.audience.eligible ?? 0 }),
      okText: t("camp.send"),
      cancelText: t("camp.keep"),
      onOk: () =>
        submit
          .mutateAsync()
          .then((sent) => {
            const state =
              sent.status === "awaiting_approval" || sent.status === "scheduled" ? sent.status : "sending";
            void message.success(t(`camp.submitted.${state}`));
          })
          .catch((error: unknown) => void message.error(campaignError(t, error))),
    });

  return (
    <PreflightCard
      t={t}
      result={result}
      running={preflight.isPending}
      error={preflight.isError ? campaignError(t, preflight.error) : undefined}
      onRun={() => mutate()}
      send={
        maySend && (
          <Button
            type="primary"
            icon={<SendOutlined />}
            style={{ alignSelf: "flex-start" }}
            disabled={!ready}
            loading={submit.isPending}
            onClick={() => void onSend()}
          >
            {t("camp.send")}
          </Button>
        )
      }
    />
  );
}
