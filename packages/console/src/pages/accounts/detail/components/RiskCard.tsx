import { App, Button, Card, Descriptions, Flex, Switch, Typography } from "antd";
import { useState } from "react";
import { errorMessage } from "../../../../api/errors.js";
import {
  type SecretName,
  useRevealSecret,
  useRiskSettings,
  useSetRiskSettings,
} from "../../../../api/risk.js";
import { SecretOnce } from "../../../../components/SecretOnce.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { riskDictionary } from "../../../../i18n/risk.js";
import { enumLabel } from "../../../../lib/labels.js";

const SECRETS: readonly SecretName[] = ["appSecret", "token", "encodingAesKey"];

/**
 * 风险操作: the account's risk protection and alerts switches, and its secrets viewed one at a
 * time — each view asks the password again (the server uses the confirmation up), the value
 * shown once.
 */
export function RiskCard(props: { appId: string }) {
  const { t } = useSectionI18n(riskDictionary);
  const { message } = App.useApp();
  const settings = useRiskSettings(props.appId);
  const change = useSetRiskSettings(props.appId);
  const reveal = useRevealSecret(props.appId);
  const [shown, setShown] = useState<{ name: SecretName; value: string } | null>(null);

  const canManage = settings.data?.abilities.manage.allowed === true;
  const canReveal = settings.data?.abilities.reveal.allowed === true;
  const toggle = (key: "protection" | "alerts") => (on: boolean) =>
    change.mutate(
      { [key]: on },
      {
        onSuccess: () => void message.success(t("pages.risk.saved")),
        onError: (error) => void message.error(errorMessage(t, error)),
      },
    );
  const view = (name: SecretName) =>
    reveal.mutate(name, {
      onSuccess: (secret) => setShown(secret),
      onError: (error) => void message.error(errorMessage(t, error)),
    });

  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t("pages.risk.title")}</h2>}>
      {settings.isError && <Typography.Text type="danger">{errorMessage(t, settings.error)}</Typography.Text>}
      {settings.data && (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("pages.risk.protection")}>
            <Flex gap={8} align="center" wrap>
              <Switch
                aria-label={t("pages.risk.protection")}
                checked={settings.data.protection}
                disabled={!canManage}
                loading={change.isPending}
                onChange={toggle("protection")}
              />
              <span className="wx-muted">{t("pages.risk.protectionHelp")}</span>
            </Flex>
          </Descriptions.Item>
          <Descriptions.Item label={t("pages.risk.alerts")}>
            <Flex gap={8} align="center" wrap>
              <Switch
                aria-label={t("pages.risk.alerts")}
                checked={settings.data.alerts}
                disabled={!canManage}
                loading={change.isPending}
                onChange={toggle("alerts")}
              />
              <span className="wx-muted">{t("pages.risk.alertsHelp")}</span>
            </Flex>
          </Descriptions.Item>
          <Descriptions.Item label={t("pages.risk.secrets")}>
            <Flex gap={8} wrap>
              {SECRETS.map((name) => (
                <Button key={name} disabled={!canReveal} onClick={() => view(name)}>
                  {t("pages.risk.view", { name: enumLabel(t, "pages.risk.secret", name) })}
                </Button>
              ))}
            </Flex>
          </Descriptions.Item>
        </Descriptions>
      )}
      <SecretOnce
        title={shown ? enumLabel(t, "pages.risk.secret", shown.name) : ""}
        secret={shown?.value ?? null}
        onClose={() => setShown(null)}
      />
    </Card>
  );
}
