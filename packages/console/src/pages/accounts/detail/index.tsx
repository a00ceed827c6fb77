import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Avatar, Button, Card, Col, Descriptions, Flex, Row, Spin, Tabs, Typography } from "antd";
import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import {
  accountKeys,
  useAccount,
  useDisable,
  useEnable,
  useQuotaResets,
  useRefreshInfo,
  useResetQuota,
} from "../../../api/accounts.js";
import { errorMessage } from "../../../api/errors.js";
import { mayTake, useWhoami } from "../../../api/session.js";
import { GuardedButton } from "../../../components/GuardedButton.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { teamDictionary } from "../../../i18n/team.js";
import { accountAbilities } from "../../../lib/abilities.js";
import { enumLabel, failedChecks } from "../../../lib/labels.js";
import { formatTime } from "../../../lib/time.js";
import { AuthorizeDialog } from "../components/AuthorizeDialog.js";
import { StateTag, ValidityBadge } from "../components/StateTags.js";
import { ApiCallLog } from "./components/ApiCallLog.js";
import { DeleteAccountModal } from "./components/DeleteAccountModal.js";
import { EventLog } from "./components/EventLog.js";
import { MiniProgramConfig } from "./components/MiniProgramConfig.js";
import { OperationsLinks } from "./components/OperationsLinks.js";
import { Check, OpenIdForm, SetList } from "./components/OverviewParts.js";
import { RiskCard } from "./components/RiskCard.js";
import { ValidityCard } from "./components/ValidityCard.js";

// The members and their words load when the tab is opened.
const MembersTab = lazy(async () => ({
  default: (await import("./components/MembersTab.js")).MembersTab,
}));
const FollowersTab = lazy(async () => ({
  default: (await import("./components/FollowersTab.js")).FollowersTab,
}));

/** One account: everything the console knows of it and every action, each guarded by its rule. */
export function AccountPage() {
  const { t } = useSectionI18n(teamDictionary);
  const { message, modal } = App.useApp();
  const appId = useParams()["appId"] ?? "";
  const who = useWhoami();
  const [params, setParams] = useSearchParams();
  const [deleted, setDeleted] = useState(false);
  const client = useQueryClient();
  const account = useAccount(appId, !deleted);
  const quota = useQuotaResets(appId, account.data !== undefined && !deleted);
  const enable = useEnable();
  const disable = useDisable();
  const resetQuota = useResetQuota();
  const refreshInfo = useRefreshInfo();
  const [updating, setUpdating] = useState(false);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    document.title = `${account.data?.nickname ?? appId} · ${t("app.name")}`;
  }, [t, account.data?.nickname, appId]);

  if (deleted) return null;
  if (account.isPending) return <Spin />;
  const failed = account.isError && (
    <Alert
      type="error"
      showIcon
      message={errorMessage(t, account.error)}
      action={<Link to="/accounts">{t("pages.account.back")}</Link>}
    />
  );
  // A reading that fails after one succeeded (the account deleted meanwhile) leaves what was
  // shown in place, under the refusal.
  if (!account.data) return failed || null;
  const a = account.data;
  const abilities = accountAbilities(t, a);
  // What the caller has no permission for is not shown; what a state rule forbids is shown
  // disabled with its reason (the server's abilities say which).
  const shown = (name: keyof typeof abilities) =>
    abilities[name].allowed || a.abilities[name].reason !== "not_permitted";
  const withMembers = mayTake(who.data, "team.members.read", a.appId);
  const withEvents = mayTake(who.data, "events.read", a.appId);
  const withRisk = mayTake(who.data, "risk.settings.read", a.appId);
  const withFollowers = mayTake(who.data, "followers.read", a.appId);
  const asked = params.get("tab");
  const tab =
    asked === "members" && withMembers
      ? "members"
      : asked === "followers" && withFollowers
        ? "followers"
        : "overview";
  const checks = failedChecks(t, a);
  const origin = window.location.origin;

  const onEnable = () =>
    enable.mutate(a.appId, {
      onSuccess: () => void message.success(t("pages.account.enabledDone", { name: a.nickname })),
      onError: (error) =>
        checks.length > 0
          ? modal.error({
              title: t("pages.account.enableFailed", { name: a.nickname }),
              content: (
                <ul data-testid="failed-checks">
                  {checks.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              ),
            })
          : void message.error(errorMessage(t, error)),
    });
  const onResetQuota = () =>
    modal.confirm({
      title: t("actions.quota"),
      content: t("pages.account.quotaConfirm", {
        name: a.nickname,
        used: quota.data?.used ?? 0,
        limit: quota.data?.limit ?? 10,
      }),
      okText: t("actions.confirm"),
      cancelText: t("actions.cancel"),
      onOk: () =>
        resetQuota
          .mutateAsync(a.appId)
          .then(
            (result) =>
              void message.success(t("pages.account.quotaDone", { used: result.used, limit: result.limit })),
          )
          .catch((error: unknown) => void message.error(errorMessage(t, error))),
    });

  return (
    <Flex vertical gap={16}>
      {failed}
      <Link to="/accounts">
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("pages.account.back")}
        </Button>
      </Link>
      <Flex gap={12} align="center" wrap>
        {a.headImg && <Avatar src={a.headImg} alt="" size={48} />}
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0, overflowWrap: "anywhere" }}>
          {a.nickname}
        </Typography.Title>
        <StateTag account={a} />
        <ValidityBadge account={a} />
      </Flex>
      <OperationsLinks appId={a.appId} />
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === "overview" ? {} : { tab: key }, { replace: true })}
        items={[
          {
            key: "overview",
            label: t("members.overview"),
            children: (
              <Flex vertical gap={16}>
                <Flex gap={8} wrap data-testid="account-actions">
                  {a.enabled
                    ? shown("disable") && (
                        <GuardedButton
                          ability={abilities.disable}
                          loading={disable.isPending}
                          onClick={() =>
                            disable.mutate(a.appId, {
                              onSuccess: () =>
                                void message.success(t("pages.account.disabledDone", { name: a.nickname })),
                              onError: (error) => void message.error(errorMessage(t, error)),
                            })
                          }
                        >
                          {t("actions.disable")}
                        </GuardedButton>
                      )
                    : shown("enable") && (
                        <GuardedButton
                          type="primary"
                          ability={abilities.enable}
                          loading={enable.isPending}
                          onClick={onEnable}
                        >
                          {t("actions.enable")}
                        </GuardedButton>
                      )}
                  {shown("updateAuthorization") && (
                    <GuardedButton ability={abilities.updateAuthorization} onClick={() => setUpdating(true)}>
                      {t("actions.update")}
                    </GuardedButton>
                  )}
                  {shown("resetQuota") && (
                    <GuardedButton ability={abilities.resetQuota} onClick={onResetQuota}>
                      {t("actions.quota")}
                    </GuardedButton>
                  )}
                  {shown("syncProfile") && (
                    <GuardedButton
                      ability={abilities.syncProfile}
                      loading={refreshInfo.isPending}
                      onClick={() =>
                        refreshInfo.mutate(a.appId, {
                          onError: (error) => void message.error(errorMessage(t, error)),
                        })
                      }
                    >
                      {t("actions.refreshInfo")}
                    </GuardedButton>
                  )}
                  {shown("delete") && (
                    <GuardedButton danger ability={abilities.delete} onClick={() => setDeleting(true)}>
                      {t("actions.delete")}
                    </GuardedButton>
                  )}
                </Flex>
                <Row gutter={[16, 16]}>
                  <Col xs={24} lg={12}>
                    <Card
                      title={<h2 className="wx-card-title">{t("pages.account.profile")}</h2>}
                      size="small"
                    >
                      <Descriptions column={1} size="small">
                        <Descriptions.Item label={t("fields.account.appId")}>
                          <Typography.Text copyable>{a.appId}</Typography.Text>
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.kind")}>
                          {enumLabel(t, "fields.account.kind", a.kind)}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.connection")}>
                          {enumLabel(t, "fields.account.connection", a.connection)}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.verified")}>
                          {a.verified ? t("common.yes") : t("common.no")}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.originalId")}>
                          {a.originalId ?? "—"}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.principal")}>
                          {a.principalName ?? "—"}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.authorizedAt")}>
                          {formatTime(a.authorizedAt)}
                        </Descriptions.Item>
                        <Descriptions.Item label={t("fields.account.createdAt")}>
                          {formatTime(a.createdAt)}
                        </Descriptions.Item>
                      </Descriptions>
                    </Card>
                  </Col>
                  <Col xs={24} lg={12}>
                    <Card title={<h2 className="wx-card-title">{t("pages.account.checks")}</h2>} size="small">
                      <ul className="wx-checks" data-testid="enable-checks">
                        <Check
                          ok={a.enableChecks.verified}
                          okText={t("fields.account.checkOk.verified")}
                          failText={t("fields.account.check.verified")}
                        />
                        <Check
                          ok={a.enableChecks.permissionSets}
                          okText={t("fields.account.checkOk.permissionSets")}
                          failText={t("fields.account.check.permissionSets", {
                            sets: a.permissionSets.missing.map((s) => s.name).join("、") || t("common.none"),
                          })}
                        />
                        <Check
                          ok={a.enableChecks.openIdMapping}
                          okText={t("fields.account.checkOk.openIdMapping")}
                          failText={t("fields.account.check.openIdMapping")}
                        />
                      </ul>
                      {checks.length === 0 && (
                        <Typography.Text type="success">{t("pages.account.checksAllPass")}</Typography.Text>
                      )}
                      {shown("setOpenIdMapping") && (
                        <div style={{ marginTop: 12 }}>
                          <Typography.Title level={3} style={{ fontSize: 14 }}>
                            {t("pages.account.openId")}
                          </Typography.Title>
                          <OpenIdForm
                            key={a.openIdMapping ?? ""}
                            account={a}
                            allowed={abilities.setOpenIdMapping.allowed}
                          />
                        </div>
                      )}
                    </Card>
                  </Col>
                  <Col xs={24} lg={12}>
                    <Card
                      title={<h2 className="wx-card-title">{t("pages.account.permissions")}</h2>}
                      size="small"
                    >
                      {a.permissionSets.applicable ? (
                        <Descriptions column={1} size="small">
                          <Descriptions.Item label={t("pages.account.granted")}>
                            <SetList sets={a.permissionSets.granted} tone="wx-tag-green" />
                          </Descriptions.Item>
                          <Descriptions.Item
                            label={`${t("pages.account.required")} (${t(`pages.account.requiredSource.${a.permissionSets.requiredSource}`)})`}
                          >
                            <SetList sets={a.permissionSets.required ?? []} tone="wx-tag-blue" />
                          </Descriptions.Item>
                          <Descriptions.Item label={t("pages.account.missing")}>
                            <SetList sets={a.permissionSets.missing} tone="wx-tag-red" />
                          </Descriptions.Item>
                        </Descriptions>
                      ) : (
                        <Typography.Text type="secondary">{t("common.notApplicable")}</Typography.Text>
                      )}
                    </Card>
                  </Col>
                  <Col xs={24} lg={12}>
                    <ValidityCard
                      account={a}
                      abilities={abilities}
                      quota={quota.data}
                      onRenew={() => setUpdating(true)}
                    />
                  </Col>
                  <Col xs={24}>
                    <Card
                      title={<h2 className="wx-card-title">{t("pages.account.callbacks")}</h2>}
                      size="small"
                    >
                      <Descriptions column={1} size="small">
                        <Descriptions.Item label={t("pages.account.callbackUrl")}>
                          <Typography.Text copyable style={{ overflowWrap: "anywhere" }}>
                            {`${origin}/wechat/accounts/${a.appId}/callback`}
                          </Typography.Text>
                        </Descriptions.Item>
                      </Descriptions>
                    </Card>
                  </Col>
                  {a.kind === "miniprogram" && (
                    <Col xs={24}>
                      <MiniProgramConfig account={a} abilities={abilities} />
                    </Col>
                  )}
                  {withRisk && (
                    <Col xs={24}>
                      <RiskCard appId={a.appId} />
                    </Col>
                  )}
                  {withEvents && (
                    <Col xs={24}>
                      <EventLog appId={a.appId} />
                    </Col>
                  )}
                  <Col xs={24}>
                    <ApiCallLog appId={a.appId} />
                  </Col>
                </Row>
              </Flex>
            ),
          },
          ...(withMembers
            ? [
                {
                  key: "members",
                  label: t("members.tab"),
                  children: (
                    <Suspense fallback={<Spin />}>
                      <MembersTab account={a} />
                    </Suspense>
                  ),
                },
              ]
            : []),
          ...(withFollowers
            ? [
                {
                  key: "followers",
                  label: t("pages.account.followersTab"),
                  children: (
                    <Suspense fallback={<Spin />}>
                      <FollowersTab account={a} />
                    </Suspense>
                  ),
                },
              ]
            : []),
        ]}
      />
      <AuthorizeDialog
        open={updating}
        onClose={() => {
          setUpdating(false);
          // Authorizing again starts a new validity period: read the account afresh.
          void client.invalidateQueries({ queryKey: accountKeys.one(a.appId) });
        }}
        update={{ appId: a.appId, name: a.nickname }}
      />
      <DeleteAccountModal
        account={a}
        open={deleting}
        onClose={() => setDeleting(false)}
        onDeleted={() => setDeleted(true)}
      />
    </Flex>
  );
}
