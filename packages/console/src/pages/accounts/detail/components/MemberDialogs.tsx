import { Alert, App, Checkbox, Form, Input, Modal, Radio, Switch, Typography } from "antd";
import { useState } from "react";
import type { Account } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import {
  type Member,
  type Members,
  type OperatorKind,
  PERMISSION_SWITCHES,
  type PermissionSwitch,
  useInvite,
  useSetSwitches,
  useTransferSuperAdmin,
} from "../../../../api/team.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { teamDictionary, teamLabel } from "../../../../i18n/team.js";

/** The eleven switches of one operator, each a toggle that applies at once. */
export function SwitchesDialog(props: { appId: string; member: Member | null; onClose(): void }) {
  const { t } = useSectionI18n(teamDictionary);
  const { message } = App.useApp();
  const set = useSetSwitches();
  const member = props.member;
  const [on, setOn] = useState<PermissionSwitch[]>([]);
  const [shownFor, setShownFor] = useState<string | null>(null);
  if (member && shownFor !== member.userId) {
    setShownFor(member.userId);
    setOn(member.switches);
  }
  const toggle = (name: PermissionSwitch, checked: boolean) => {
    if (!member) return;
    const next = PERMISSION_SWITCHES.filter((s) => (s === name ? checked : on.includes(s)));
    const before = on;
    setOn(next);
    set.mutate(
      { appId: props.appId, userId: member.userId, switches: next },
      {
        onSuccess: () => void message.success(t("members.switchesSaved", { name: member.username })),
        onError: (error) => {
          setOn(before);
          void message.error(errorMessage(t, error));
        },
      },
    );
  };
  return (
    <Modal
      open={member !== null}
      title={t("members.switchesTitle", { name: member?.username ?? "" })}
      footer={null}
      onCancel={() => {
        setShownFor(null);
        props.onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("members.switchesHint")}</Typography.Paragraph>
      <ul className="wx-switches" data-testid="switches">
        {PERMISSION_SWITCHES.map((name) => (
          <li key={name}>
            <label htmlFor={`switch-${name}`}>{teamLabel(t, "switch", name)}</label>
            <Switch
              id={`switch-${name}`}
              size="small"
              checked={on.includes(name)}
              loading={set.isPending && set.variables?.switches.includes(name) !== on.includes(name)}
              onChange={(checked) => toggle(name, checked)}
            />
          </li>
        ))}
      </ul>
    </Modal>
  );
}

interface InviteValues {
  username: string;
  kind: OperatorKind;
  switches: PermissionSwitch[];
}

/** Invite an operator: a user whose role is member, long- or short-term, with their switches. */
export function InviteDialog(props: { account: Account; members: Members; open: boolean; onClose(): void }) {
  const { t } = useSectionI18n(teamDictionary);
  const { message } = App.useApp();
  const [form] = Form.useForm<InviteValues>();
  const invite = useInvite();
  const close = () => {
    invite.reset();
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={t("members.inviteTitle", { name: props.account.nickname })}
      okText={t("actions.confirm")}
      cancelText={t("actions.cancel")}
      confirmLoading={invite.isPending}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("members.inviteHint")}</Typography.Paragraph>
      <Form<InviteValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: "long_term", switches: ["account.view"] }}
        onFinish={(values) =>
          invite.mutate(
            { appId: props.account.appId, ...values, username: values.username.trim().toLowerCase() },
            {
              onSuccess: (member) => {
                void message.success(t("members.invited", { name: member.username }));
                close();
              },
            },
          )
        }
      >
        <Form.Item
          name="username"
          label={t("members.username")}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: t("members.username") }),
            },
          ]}
        >
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item name="kind" label={t("members.kind")}>
          <Radio.Group
            options={[
              { value: "long_term", label: t("members.kind.long_term") },
              {
                value: "short_term",
                label: t("members.kind.shortTermDays", { days: props.members.limits.shortTermDays }),
              },
            ]}
          />
        </Form.Item>
        <Form.Item name="switches" label={t("members.switches")}>
          <Checkbox.Group
            className="wx-switch-checks"
            options={PERMISSION_SWITCHES.map((s) => ({ value: s, label: teamLabel(t, "switch", s) }))}
          />
        </Form.Item>
      </Form>
      {invite.isError && <Alert type="error" showIcon message={errorMessage(t, invite.error)} />}
    </Modal>
  );
}

/** Move the super admin role to another user (the current holder only; a risk operation). */
export function TransferDialog(props: { account: Account; open: boolean; onClose(): void }) {
  const { t } = useSectionI18n(teamDictionary);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ username: string }>();
  const transfer = useTransferSuperAdmin();
  const close = () => {
    transfer.reset();
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={t("members.transferTitle", { name: props.account.nickname })}
      okText={t("actions.confirm")}
      okButtonProps={{ danger: true }}
      cancelText={t("actions.cancel")}
      confirmLoading={transfer.isPending}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>{t("members.transferHint")}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(values) =>
          transfer.mutate(
            { appId: props.account.appId, username: values.username.trim().toLowerCase() },
            {
              onSuccess: (done) => {
                void message.success(t("members.transferred", { name: done.username }));
                close();
              },
            },
          )
        }
      >
        <Form.Item
          name="username"
          label={t("members.username")}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: t("members.username") }),
            },
          ]}
        >
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
      </Form>
      {transfer.isError && <Alert type="error" showIcon message={errorMessage(t, transfer.error)} />}
    </Modal>
  );
}
