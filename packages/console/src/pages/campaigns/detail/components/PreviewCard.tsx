import { Alert, App, AutoComplete, Button, Card, Space, Typography } from "antd";
import { useState } from "react";
import { usePreviewCampaign } from "../../../../api/campaigns.js";
import { useFollowers } from "../../../../api/followers.js";
import { campaignsDictionary } from "../../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { campaignError } from "../../shared.js";

/** Sends the campaign to one chosen follower first (a mass send's `mass/preview`). */
export function PreviewCard({ appId, id }: { appId: string; id: string }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const { message } = App.useApp();
  const [openId, setOpenId] = useState("");
  const [search, setSearch] = useState("");
  const followers = useFollowers(appId, { q: search || undefined }, undefined);
  const preview = usePreviewCampaign(id);
  const send = () =>
    preview.mutate(openId.trim(), { onSuccess: () => void message.success(t("camp.previewSent")) });
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t("camp.preview")}
        </Typography.Title>
      }
    >
      <Typography.Paragraph type="secondary">{t("camp.previewHint")}</Typography.Paragraph>
      <Space.Compact style={{ width: "100%", maxWidth: 560 }}>
        <AutoComplete
          aria-label={t("camp.previewTo")}
          placeholder={t("camp.previewTo")}
          style={{ width: "100%" }}
          value={openId}
          onChange={setOpenId}
          onSearch={setSearch}
          options={(followers.data?.items ?? []).map((f) => ({
            value: f.openId,
            label: f.nickname || f.remark ? `${f.nickname || f.remark} · ${f.openId}` : f.openId,
          }))}
        />
        <Button onClick={send} loading={preview.isPending} disabled={openId.trim() === ""}>
          {t("camp.previewSend")}
        </Button>
      </Space.Compact>
      {preview.isError && (
        <Alert style={{ marginTop: 12 }} type="error" showIcon message={campaignError(t, preview.error)} />
      )}
    </Card>
  );
}
