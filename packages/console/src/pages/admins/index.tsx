import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  Radio,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useEffect, useRef, useState } from "react";
import { type Admin, useAdmins, useCreateAdmin, useResetPassword } from "../../api/admins.js";
import { errorMessage } from "../../api/errors.js";
import { useSession } from "../../api/session.js";
import { GuardedButton } from "../../components/GuardedButton.js";
import { SecretFormDialog } from "../../components/SecretFormDialog.js";
import { useI18n } from "../../i18n/index.js";
import { reasonText } from "../../lib/abilities.js";
import { formatTime } from "../../lib/time.js";

// The server's rules (auth/admins.ts), checked before sending.
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 256;

interface PasswordValues {
  how: "generate" | "choose";
  password?: string;
}

/** Generate a password (shown once), or type one: the choice both dialogs offer. */
function PasswordChoice() {
  const { t } = useI18n();
  const how = Form.useWatch<PasswordValues["how"]>("how") ?? "generate";
  return (
    <>
      <Form.Item name="how" label={t("pages.signIn.password")}>
        <Radio.Group
          options={[
            { value: "generate", label: t("pages.admins.generate") },
            { value: "choose", label: t("pages.admins.choose") },
          ]}
        />
      </Form.Item>
      {how === "choose" && (
        <Form.Item
          name="password"
          label={t("pages.admins.newPassword")}
          extra={t("errors.reason.password_length")}
          rules={[
            {
              required: true,
              message: t("pages.signIn.required", { field: t("pages.admins.newPassword") }),
            },
            { min: MIN_PASSWORD, max: MAX_PASSWORD, message: t("errors.reason.password_length") },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      )}
    </>
  );
}

const chosen = (values: PasswordValues) =>
  values.how === "choose" && values.password !== undefined ? { password: values.password } : {};

/** 管理员: who signs in to the console; add one, reset another's password (each shown once). */
export function AdminsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const admins = useAdmins();
  const create = useCreateAdmin();
  const reset = useResetPassword();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Admin | null>(null);
  // What the last answer said, told once its dialog closes (after a password shown once).
  const told = useRef("");
  const tell = (done: boolean) => {
    if (done && told.current) void message.success(told.current);
    told.current = "";
  };

  useEffect(() => {
    document.title = `${t("menu.admins")} · ${t("app.name")}`;
  }, [t]);

  const me = session.data?.user.id;
  const columns: TableColumnsType<Admin> = [
    {
      title: t("pages.signIn.username"),
      key: "username",
      width: 200,
      render: (_, admin) => (
        <span style={{ overflowWrap: "anywhere" }}>
          {admin.username}
          {admin.id === me && <span className="wx-muted"> {t("pages.admins.you")}</span>}
        </span>
      ),
    },
    {
      title: t("fields.admin.lastLoginAt"),
      key: "lastLogin",
      width: 230,
      render: (_, admin) => (admin.lastLoginAt ? formatTime(admin.lastLoginAt) : t("fields.admin.never")),
    },
    {
      title: t("fields.account.state"),
      key: "state",
      width: 240,
      render: (_, admin) =>
        admin.frozenUntil === null ? (
          <Tag className="wx-tag-green">{t("fields.admin.active")}</Tag>
        ) : (
          <Tag className="wx-tag-red">
            {t("fields.admin.frozenUntil", { time: formatTime(admin.frozenUntil) })}
          </Tag>
        ),
    },
    {
      title: t("fields.admin.createdAt"),
      key: "created",
      width: 230,
      render: (_, admin) => formatTime(admin.createdAt),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 130,
      render: (_, admin) => (
        <GuardedButton
          size="small"
          ability={{
            allowed: admin.abilities.resetPassword.allowed,
            reason: reasonText(t, admin.abilities.resetPassword.reason),
          }}
          onClick={() => setResetting(admin)}
        >
          {t("pages.admins.reset")}
        </GuardedButton>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <div style={{ minWidth: 0, flex: "1 1 360px" }}>
          <h1 className="wx-title">{t("menu.admins")}</h1>
          <p className="wx-muted" style={{ margin: 0 }}>
            {t("pages.admins.intro")}
          </p>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("pages.admins.create")}
        </Button>
      </Flex>
      {admins.isError && <Alert type="error" showIcon message={errorMessage(t, admins.error)} />}
      <Table<Admin>
        rowKey="id"
        tableLayout="fixed"
        scroll={{ x: 1030 }}
        loading={admins.isPending}
        columns={columns}
        dataSource={admins.data ?? []}
        pagination={false}
      />
      <SecretFormDialog<PasswordValues & { username: string }>
        open={creating}
        title={t("pages.admins.create")}
        secretTitle={t("pages.admins.passwordTitle")}
        initialValues={{ how: "generate" }}
        submit={async (values) => {
          const username = values.username.trim().toLowerCase();
          const created = await create.mutateAsync({ username, ...chosen(values) });
          told.current = t("pages.admins.created", { name: created.username });
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
        <PasswordChoice />
      </SecretFormDialog>
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
