import { PlusOutlined, SwapOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Card,
  Descriptions,
  Empty,
  Flex,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import type { Account } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import {
  type Member,
  type Members,
  type OperatorKind,
  PERMISSION_SWITCHES,
  useMembers,
  useUnbind,
} from "../../../../api/team.js";
import { GuardedButton } from "../../../../components/GuardedButton.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { type TeamTranslate, teamDictionary, teamLabel } from "../../../../i18n/team.js";
import { reasonText } from "../../../../lib/abilities.js";
import { formatTime } from "../../../../lib/time.js";
import { InviteDialog, SwitchesDialog, TransferDialog } from "./MemberDialogs.js";

const STATE_TONE = { invited: "wx-tag-orange", active: "wx-tag-green", expired: "wx-tag-grey" } as const;

function who(member: { username: string; displayName: string | null }): string {
  return member.displayName ? `${member.displayName}（${member.username}）` : member.username;
}

function countOf(members: Members, kind: OperatorKind): number {
  return members.items.filter((m) => m.kind === kind && m.state !== "expired").length;
}

function limitsText(t: TeamTranslate, members: Members): string {
  return t("members.limits", {
    long: countOf(members, "long_term"),
    longMax: members.limits.longTermOperators,
    short: countOf(members, "short_term"),
    shortMax: members.limits.shortTermOperators,
    days: members.limits.shortTermDays,
  });
}

/** 成员: the account's super admin, its operators and invitations, and what the caller may change. */
export function MembersTab({ account }: { account: Account }) {
  const { t } = useSectionI18n(teamDictionary);
  const { message, modal } = App.useApp();
  const members = useMembers(account.appId);
  const unbind = useUnbind();
  const [inviting, setInviting] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [switching, setSwitching] = useState<Member | null>(null);

  if (members.isError) return <Alert type="error" showIcon message={errorMessage(t, members.error)} />;
  if (!members.data) return <Card loading size="small" />;
  const m = members.data;
  const manage = { allowed: m.abilities.manage.allowed, reason: reasonText(t, m.abilities.manage.reason) };
  const transfer = {
    allowed: m.abilities.transfer.allowed,
    reason: reasonText(t, m.abilities.transfer.reason),
  };

  const columns: TableColumnsType<Member> = [
    {
      title: t("members.username"),
      key: "user",
      width: 200,
      render: (_, member) => <span style={{ overflowWrap: "anywhere" }}>{who(member)}</span>,
    },
    {
      title: t("members.kind"),
      key: "kind",
      width: 140,
      render: (_, member) => teamLabel(t, "members.kind", member.kind),
    },
    {
      title: t("members.state"),
      key: "state",
      width: 100,
      render: (_, member) => (
        <Tag className={STATE_TONE[member.state]}>{teamLabel(t, "members.state", member.state)}</Tag>
      ),
    },
    {
      title: t("members.expiresAt"),
      key: "expires",
      width: 220,
      render: (_, member) =>
        member.expiresAt !== null ? formatTime(member.expiresAt) : t("members.noExpiry"),
    },
    {
      title: t("members.switches"),
      key: "switches",
      width: 110,
      render: (_, member) => (
        <span title={member.switches.map((s) => teamLabel(t, "switch", s)).join("、")}>
          {t("members.switchCount", { on: member.switches.length, all: PERMISSION_SWITCHES.length })}
        </span>
      ),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 200,
      render: (_, member) => (
        <Space size={4} wrap>
          <GuardedButton size="small" ability={manage} onClick={() => setSwitching(member)}>
            {t("members.editSwitches")}
          </GuardedButton>
          <GuardedButton
            size="small"
            danger
            ability={manage}
            onClick={() =>
              modal.confirm({
                title: t("members.unbindConfirm", { name: member.username }),
                okText: t(member.state === "invited" ? "members.withdraw" : "members.unbind"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  unbind
                    .mutateAsync({ appId: account.appId, userId: member.userId })
                    .then(() => void message.success(t("members.unbound", { name: member.username })))
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t(member.state === "invited" ? "members.withdraw" : "members.unbind")}
          </GuardedButton>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="members">
      <Card title={<h2 className="wx-card-title">{t("members.superAdmin")}</h2>} size="small">
        <Flex justify="space-between" align="center" gap={12} wrap>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("members.superAdmin")}>
              <span data-testid="super-admin">
                {m.superAdmin ? who(m.superAdmin) : "—"}
                {m.superAdmin?.implicit && <span className="wx-muted"> {t("members.implicit")}</span>}
              </span>
            </Descriptions.Item>
          </Descriptions>
          <GuardedButton icon={<SwapOutlined />} ability={transfer} onClick={() => setTransferring(true)}>
            {t("members.transfer")}
          </GuardedButton>
        </Flex>
      </Card>
      <Card
        title={<h2 className="wx-card-title">{t("members.operators")}</h2>}
        size="small"
        extra={
          <GuardedButton
            type="primary"
            size="small"
            icon={<PlusOutlined />}
            ability={manage}
            onClick={() => setInviting(true)}
          >
            {t("members.invite")}
          </GuardedButton>
        }
      >
        <Typography.Paragraph type="secondary" data-testid="member-limits">
          {limitsText(t, m)}
        </Typography.Paragraph>
        <Table<Member>
          aria-label={t("members.list")}
          rowKey="userId"
          tableLayout="fixed"
          scroll={{ x: 970 }}
          columns={columns}
          dataSource={m.items}
          pagination={false}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("members.empty")} />,
          }}
        />
      </Card>
      <InviteDialog account={account} members={m} open={inviting} onClose={() => setInviting(false)} />
      <TransferDialog account={account} open={transferring} onClose={() => setTransferring(false)} />
      <SwitchesDialog appId={account.appId} member={switching} onClose={() => setSwitching(null)} />
    </Flex>
  );
}
