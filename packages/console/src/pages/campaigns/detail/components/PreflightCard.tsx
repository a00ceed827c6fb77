import { CheckCircleFilled, CloseCircleFilled } from "@ant-design/icons";
import { Alert, Button, Card, Flex, Typography } from "antd";
import type { Preflight, PreflightCheck } from "../../../../api/campaigns.js";
import { type CampaignsTranslate, campaignText } from "../../../../i18n/campaigns.js";

/** A check's reason in words: its own text when there is one, else the API's word as it is. */
function reasonOf(t: CampaignsTranslate, check: PreflightCheck): string | undefined {
  const vars: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(check.details ?? {}))
    if (typeof value === "string" || typeof value === "number") vars[name] = value;
  // A quota that passes says how much of it is used.
  if (!check.reason && typeof vars.used === "number" && typeof vars.limit === "number")
    return campaignText(t, "campr.reason.", "quota_left", vars);
  // A service account's quota is each follower's: how many of the audience have had theirs.
  if (!check.reason && typeof vars.atLimit === "number" && vars.atLimit > 0)
    return campaignText(t, "campr.reason.", "quota_per_recipient", vars);
  if (!check.reason) return undefined;
  return campaignText(t, "campr.reason.", check.reason, vars) ?? check.reason;
}

/**
 * The pre-flight result: every check with ✓ or ✗ and why, the audience that can be reached,
 * and the send button, enabled once every check passed.
 */
export function PreflightCard({
  t,
  result,
  running,
  error,
  onRun,
  send,
}: {
  t: CampaignsTranslate;
  result: Preflight | undefined;
  running: boolean;
  error: string | undefined;
  onRun(): void;
  send: React.ReactNode;
}) {
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t("camp.preflight")}
        </Typography.Title>
      }
      extra={
        <Button size="small" onClick={onRun} loading={running}>
          {t("camp.preflightRun")}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {result && (
        <Flex vertical gap={12}>
          <ul aria-label={t("camp.preflight")} style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {result.checks.map((check) => {
              const reason = reasonOf(t, check);
              return (
                <li key={check.check} style={{ padding: "6px 0", borderBottom: "1px solid #f0f0f0" }}>
                  <Flex gap={8} align="baseline" wrap>
                    {check.ok ? (
                      <CheckCircleFilled
                        style={{ color: "#389e0d" }}
                        aria-label={t("camp.checkOk")}
                        role="img"
                      />
                    ) : (
                      <CloseCircleFilled
                        style={{ color: "#cf1322" }}
                        aria-label={t("camp.checkFailed")}
                        role="img"
                      />
                    )}
                    <Typography.Text strong>
                      {campaignText(t, "campr.check.", check.check) ?? check.check}
                    </Typography.Text>
                    {reason && (
                      <Typography.Text type={check.ok ? "secondary" : "danger"}>{reason}</Typography.Text>
                    )}
                  </Flex>
                </li>
              );
            })}
          </ul>
          <Typography.Text>
            {t("camp.preflightAudience", {
              total: result.audience.total,
              eligible: result.audience.eligible,
            })}
            {result.audience.skipped.map(
              (s) => ` ${campaignText(t, "campr.skip.", s.reason) ?? s.reason}: ${s.count}.`,
            )}
          </Typography.Text>
          <Alert
            role="status"
            type={result.ok ? "success" : "error"}
            showIcon
            message={result.ok ? t("camp.preflightOk") : t("camp.preflightFailed")}
          />
          {send}
        </Flex>
      )}
    </Card>
  );
}
