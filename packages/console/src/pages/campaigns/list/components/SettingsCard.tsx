import { App, Button, Card, Flex, InputNumber, Switch, Typography } from "antd";
import { useEffect, useState } from "react";
import {
  type CampaignSettings,
  useCampaignSettings,
  useSaveCampaignSettings,
} from "../../../../api/campaigns.js";
import { campaignsDictionary } from "../../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { campaignError } from "../../shared.js";

/** Whether an operator's campaign waits for approval, and how fast the account sends. */
export function SettingsCard({ appId }: { appId: string }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const { message } = App.useApp();
  const settings = useCampaignSettings(appId);
  const save = useSaveCampaignSettings(appId);
  const [draft, setDraft] = useState<CampaignSettings | undefined>();
  useEffect(() => setDraft(settings.data), [settings.data]);
  if (!draft) return null;
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t("camp.settings")}
        </Typography.Title>
      }
    >
      <Flex gap={16} wrap align="center">
        <Flex gap={8} align="center">
          <Switch
            id="camp-approval"
            checked={draft.approvalRequired}
            onChange={(approvalRequired) => setDraft({ ...draft, approvalRequired })}
          />
          <label htmlFor="camp-approval">{t("camp.approvalRequired")}</label>
        </Flex>
        <Flex gap={8} align="center">
          <label htmlFor="camp-rate">{t("camp.sendsPerSecond")}</label>
          <InputNumber
            id="camp-rate"
            min={1}
            value={draft.sendsPerSecond}
            onChange={(value) => value !== null && setDraft({ ...draft, sendsPerSecond: value })}
          />
        </Flex>
        <Button
          loading={save.isPending}
          onClick={() =>
            save.mutate(draft, {
              onSuccess: () => void message.success(t("camp.settingsSaved")),
              onError: (error) => void message.error(campaignError(t, error)),
            })
          }
        >
          {t("camp.save")}
        </Button>
      </Flex>
    </Card>
  );
}
