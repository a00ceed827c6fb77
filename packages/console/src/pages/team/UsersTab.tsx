import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  Radio,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useRef, useState } from "react";
import {
  type Admin,
  type GivenRole,
  useAdmins,
  useCreateAdmin,
  useResetPassword,
  useUpdateAdmin,
} from "../../api/admins.js";
import { errorMessage } from "../../api/errors.js";
import { useSession } from "../../api/session.js";
import type { Department } from "../../api/team.js";
import { GuardedButton } from "../../components/GuardedButton.js";
import { SecretFormDialog } from "../../components/SecretFormDialog.js";
import { useSectionI18n } from "../../i18n/index.js";
import { teamDictionary, teamLabel } from "../../i18n/team.js";
import { reasonText } from "../../lib/abilities.js";
import { formatTime } from "../../lib/time.js";
import { chosen, PasswordChoice, type PasswordValues, USERNAME } from "./PasswordChoice.js";
import { UserDialog } from "./UserDialog.js";

const ROLE_TONE = { owner: "wx-tag-purple", admin: "wx-tag-blue", member: "wx-tag-grey" } as const;

interface CreateValues extends PasswordValues {
  username: string;
  role: GivenRole;
  displayName?: string;
  email?: string;
}

/**
 * The users who sign in: role, profile, department, access; add one (password generated and
 * shown once, or given), change one, disable or enable one, reset another's password.
 * `departments` is undefined when they are not the caller's to see.
 */
export function UsersTab({ departments }: { departments: Department[] | undefined }) {
  const { t } = useSectionI18n(teamDictionary);
  const { message, modal } = App.useApp();
  const session = useSession();
  const admins = useAdmins();
  const create = useCreateAdmin();
  const update = useUpdateAdmin();
  const reset = useResetPassword();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Admin | null>(null);
  const [resetting, setResetting] = useState<Admin | null>(null);
  // What the last answer said, told once its dialog closes (after a password shown once).
  const told = useRef("");
  const tell = (done: boolean) => {
    if (done && told.current) void message.success(told.current);
    told.current = "";
  };

  const me = session.data?.user.id;
  const departmentOf = (user: Admin) => departments?.find((d) => d.adminIds.includes(user.id));

  const toggleAccess = (user: Admin) => {
    const disabling = user.disabledAt === null;
    const run = () =>
      update
        .mutateAsync({ id: user.id, disabled: disabling })
        .then(
          (done) =>
            void message.success(
              disabling
                ? t("team.disabledDone", { name: user.username, sessions: done.sessionsEnded })
                : t("team.enabledDone", { name: user.username }),
            ),
        )
        .catch((error: unknown) => void message.error(errorMessage(t, error)));
    if (!disabling) return void run();
    modal.confirm({
      title: t("team.disableConfirm", { name: user.username }),
      okText: t("team.disable"),
      okButtonProps: { danger: true },
      cancelText: t("actions.cancel"),
      onOk: run,
    });
  };

  const columns: TableColumnsType<Admin> = [
    {
      title: t("pages.signIn.username"),
      key: "username",
      width: 200,
      render: (_, user) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <span style={{ overflowWrap: "anywhere" }}>
            {user.username}
            {user.id === me && <span className="wx-muted"> {t("pages.admins.you")}</span>}
          </span>
          {user.displayName && <span className="wx-muted wx-small">{user.displayName}</span>}
        </Flex>
      ),
    },
    {
      title: t("team.role"),
      key: "role",
      width: 110,
      render: (_, user) => <Tag className={ROLE_TONE[user.role]}>{teamLabel(t, "team.role", user.role)}</Tag>,
    },
    {
      title: t("team.email"),
      key: "email",
      width: 200,
      render: (_, user) => <span style={{ overflowWrap: "anywhere" }}>{user.email ?? "—"}</span>,
    },
    ...(departments
      ? [
          {
            title: t("team.department"),
            key: "department",
            width: 140,
            render: (_: unknown, user: Admin) =>
              user.role === "member" ? "—" : (departmentOf(user)?.name ?? t("team.allAccounts")),
          },
        ]
      : []),
    {
      title: t("fields.account.state"),
      key: "state",
      width: 200,
      render: (_, user) =>
        user.disabledAt !== null ? (
          <Tag className="wx-tag-red">{t("team.disabledState")}</Tag>
        ) : user.frozenUntil === null ? (
          <Tag className="wx-tag-green">{t("fields.admin.active")}</Tag>
        ) : (
          <Tag className="wx-tag-red">
            {t("fields.admin.frozenUntil", { time: formatTime(user.frozenUntil) })}
          </Tag>
        ),
    },
    {
      title: t("fields.admin.lastLoginAt"),
      key: "lastLogin",
      width: 220,
      render: (_, user) => (user.lastLoginAt ? formatTime(user.lastLoginAt) : t("fields.admin.never")),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 260,
      render: (_, user) => {
        const access = {
          allowed: user.abilities.changeAccess.allowed,
          reason: reasonText(t, user.abilities.changeAccess.reason),
        };
        return (
          <Space size={4} wrap>
            <Button size="small" onClick={() => setEditing(user)}>
              {t("team.edit")}
            </Button>
            <GuardedButton
              size="small"
              danger={user.disabledAt === null}
              ability={access}
              onClick={() => toggleAccess(user)}
            >
              {user.disabledAt === null ? t("team.disable") : t("team.enable")}
            </GuardedButton>
            <GuardedButton
              size="small"
              ability={{
                allowed: user.abilities.resetPassword.allowed,
                reason: reasonText(t, user.abilities.resetPassword.reason),
              }}
              onClick={() => setResetting(user)}
            >
              {t("pages.admins.reset")}
            </GuardedButton>
          </Space>
        );
      },
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="flex-end">
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("team.create")}
        </Button>
      </Flex>
      {admins.isError && <Alert type="error" showIcon message={errorMessage(t, admins.error)} />}
      <Table<Admin>
        aria-label={t("team.users")}
        rowKey="id"
        tableLayout="fixed"
        scroll={{ x: departments ? 1330 : 1190 }}
        loading={admins.isPending}
        columns={columns}
        dataSource={admins.data ?? []}
        pagination={false}
      />
      <SecretFormDialog<CreateValues>
        open={creating}
        title={t("team.create")}
        secretTitle={t("pages.admins.passwordTitle")}
        initialValues={{ how: "generate", role: "member" }}
        submit={async (values) => {
          const username = values.username.trim().toLowerCase();
          const created = await create.mutateAsync({
            username,
            role: values.role,
            ...(values.displayName?.trim() ? { displayName: values.displayName.trim() } : {}),
            ...(values.email?.trim() ? { email: values.email.trim() } : {}),
            ...chosen(values),
          });
          told.current = t("team.created", { name: created.username });
          return created.password ?? null;
        }}
        onClose={(done) => {
          setCreating(false);
          tell(done);
        }}
      >
        <Form.Item
          name="username"
          label={t("pages.signIn.username")}
          extra={t("errors.reason.invalid_username")}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: t("pages.signIn.username") }),
            },
            {
              validator: async (_rule, value: string | undefined) => {
                if (value?.trim() && !USERNAME.test(value.trim().toLowerCase()))
                  throw new Error(t("errors.reason.invalid_username"));
              },
            },
          ]}
        >
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label={t("team.role")} extra={t("team.roleHint")}>
          <Radio.Group
            options={[
              { value: "member", label: t("team.role.member") },
              { value: "admin", label: t("team.role.admin") },
            ]}
          />
        </Form.Item>
        <Form.Item name="displayName" label={t("team.displayName")}>
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t("team.email")}
          rules={[{ type: "email", message: t("team.emailInvalid") }]}
        >
          <Input autoComplete="off" maxLength={254} />
        </Form.Item>
        <PasswordChoice />
      </SecretFormDialog>
      <UserDialog
        user={editing}
        departments={departments}
        onClose={(saved) => {
          setEditing(null);
          if (saved) void message.success(t("team.saved", { name: saved }));
        }}
      />
      <SecretFormDialog<PasswordValues>
        open={resetting !== null}
        title={t("pages.admins.resetTitle", { name: resetting?.username ?? "" })}
        secretTitle={t("pages.admins.passwordTitle")}
        initialValues={{ how: "generate" }}
        submit={async (values) => {
          if (!resetting) return null;
          const done = await reset.mutateAsync({ id: resetting.id, ...chosen(values) });
          told.current = t("pages.admins.resetDone", {
            name: resetting.username,
            sessions: done.sessionsEnded,
          });
          return done.password ?? null;
        }}
        onClose={(done) => {
          setResetting(null);
          tell(done);
        }}
      >
        <Typography.Paragraph>
          {t("pages.admins.resetWarning", { name: resetting?.username ?? "" })}
        </Typography.Paragraph>
        <PasswordChoice />
      </SecretFormDialog>
    </Flex>
  );
}
