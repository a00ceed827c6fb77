import { Alert, App, Button, Empty, Flex, Space, Table, type TableColumnsType, Tag } from "antd";
import { useEffect } from "react";
import { Link } from "react-router";
import { errorMessage } from "../../api/errors.js";
import { type Invitation, useInvitations } from "../../api/invitations.js";
import { useAnswerInvitation } from "../../api/team.js";
import { useSectionI18n } from "../../i18n/index.js";
import { teamDictionary, teamLabel } from "../../i18n/team.js";
import { formatTime } from "../../lib/time.js";

/** 我的邀请: the accounts one was invited to operate; accept or decline each. */
export function InvitationsPage() {
  const { t } = useSectionI18n(teamDictionary);
  const { message } = App.useApp();
  const invitations = useInvitations();
  const answer = useAnswerInvitation();

  useEffect(() => {
    document.title = `${t("inv.title")} · ${t("app.name")}`;
  }, [t]);

  const respond = (invitation: Invitation, accept: boolean) =>
    answer.mutate(
      { appId: invitation.appId, accept },
      {
        onSuccess: () =>
          void message.success(t(accept ? "inv.accepted" : "inv.declined", { appId: invitation.appId })),
        onError: (error) => void message.error(errorMessage(t, error)),
      },
    );

  const columns: TableColumnsType<Invitation> = [
    {
      title: t("inv.account"),
      key: "appId",
      width: 200,
      render: (_, i) => <span style={{ overflowWrap: "anywhere" }}>{i.appId}</span>,
    },
    {
      title: t("members.kind"),
      key: "kind",
      width: 150,
      render: (_, i) => <Tag className="wx-tag-blue">{teamLabel(t, "members.kind", i.kind)}</Tag>,
    },
    {
      title: t("members.switches"),
      key: "switches",
      width: 260,
      render: (_, i) =>
        i.switches.length === 0 ? (
          <span className="wx-muted">{t("common.none")}</span>
        ) : (
          <Flex wrap gap={4}>
            {i.switches.map((s) => (
              <Tag key={s}>{teamLabel(t, "switch", s)}</Tag>
            ))}
          </Flex>
        ),
    },
    { title: t("inv.by"), key: "by", width: 140, render: (_, i) => i.invitedBy ?? "—" },
    { title: t("inv.at"), key: "at", width: 230, render: (_, i) => formatTime(i.invitedAt) },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 170,
      render: (_, i) => (
        <Space size={4} wrap>
          <Button
            size="small"
            type="primary"
            loading={answer.isPending && answer.variables?.appId === i.appId && answer.variables.accept}
            onClick={() => respond(i, true)}
          >
            {t("inv.accept")}
          </Button>
          <Button size="small" onClick={() => respond(i, false)}>
            {t("inv.decline")}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <div>
        <h1 className="wx-title">{t("inv.title")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("inv.intro")}
        </p>
      </div>
      {invitations.isError && <Alert type="error" showIcon message={errorMessage(t, invitations.error)} />}
      {answer.isSuccess && answer.variables.accept && (
        <Alert
          type="success"
          showIcon
          message={t("inv.accepted", { appId: answer.variables.appId })}
          action={<Link to={`/accounts/${encodeURIComponent(answer.variables.appId)}`}>{t("inv.open")}</Link>}
        />
      )}
      <Table<Invitation>
        aria-label={t("inv.list")}
        rowKey="appId"
        tableLayout="fixed"
        scroll={{ x: 1150 }}
        loading={invitations.isPending}
        columns={columns}
        dataSource={invitations.data ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t("inv.empty")} /> }}
      />
    </Flex>
  );
}
