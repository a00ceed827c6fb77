import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Checkbox, Flex, Form, Input, Table, type TableColumnsType, Tag } from "antd";
import { useEffect, useState } from "react";
import {
  type ApiKey,
  SCOPES,
  type Scope,
  useApiKeys,
  useCreateApiKey,
  useRevokeApiKey,
} from "../../api/api-keys.js";
import { errorMessage } from "../../api/errors.js";
import { SecretFormDialog } from "../../components/SecretFormDialog.js";
import { apiKeysDictionary } from "../../i18n/api-keys.js";
import { useSectionI18n } from "../../i18n/index.js";
import { enumLabel } from "../../lib/labels.js";
import { formatTime } from "../../lib/time.js";

/** API keys: create with scopes (the key shown once), revoke. */
export function ApiKeysPage() {
  const { t } = useSectionI18n(apiKeysDictionary);
  const { message, modal } = App.useApp();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    document.title = `${t("menu.apiKeys")} · ${t("app.name")}`;
  }, [t]);

  const columns: TableColumnsType<ApiKey> = [
    {
      title: t("fields.apiKey.name"),
      key: "name",
      render: (_, k) => (
        <Flex vertical>
          <span>{k.name}</span>
          <code className="wx-muted wx-small">{k.prefix}…</code>
        </Flex>
      ),
    },
    {
      title: t("fields.apiKey.scopes"),
      key: "scopes",
      render: (_, k) => (
        <Flex wrap gap={4}>
          {k.scopes.map((s) => (
            <Tag key={s} className="wx-tag-blue">
              {enumLabel(t, "fields.apiKey.scope", s)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t("fields.apiKey.lastUsedAt"),
      key: "used",
      width: 220,
      render: (_, k) => (k.lastUsedAt ? formatTime(k.lastUsedAt) : t("fields.apiKey.never")),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 140,
      render: (_, k) =>
        k.revokedAt ? (
          <Tag className="wx-tag-grey">{t("fields.apiKey.revoked")}</Tag>
        ) : (
          <Button
            size="small"
            danger
            onClick={() =>
              modal.confirm({
                title: t("pages.apiKeys.revokeConfirm", { name: k.name }),
                okText: t("pages.apiKeys.revoke"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  revoke
                    .mutateAsync(k.id)
                    .then(() => void message.success(t("pages.apiKeys.revoked", { name: k.name })))
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t("pages.apiKeys.revoke")}
          </Button>
        ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <div style={{ minWidth: 0, flex: "1 1 360px" }}>
          <h1 className="wx-title">{t("menu.apiKeys")}</h1>
          <p className="wx-muted" style={{ margin: 0 }}>
            {t("pages.apiKeys.intro")}
          </p>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("pages.apiKeys.create")}
        </Button>
      </Flex>
      {keys.isError && <Alert type="error" showIcon message={errorMessage(t, keys.error)} />}
      <Table<ApiKey>
        rowKey="id"
        tableLayout="fixed"
        scroll={{ x: 720 }}
        loading={keys.isPending}
        columns={columns}
        dataSource={keys.data ?? []}
        pagination={false}
      />
      <SecretFormDialog<{ name: string; scopes: Scope[] }>
        open={creating}
        title={t("pages.apiKeys.create")}
        secretTitle={t("pages.apiKeys.secretTitle")}
        initialValues={{ scopes: ["token:read"] }}
        submit={async (values) =>
          (await create.mutateAsync({ name: values.name.trim(), scopes: values.scopes })).key
        }
        onClose={() => setCreating(false)}
      >
        <Form.Item
          name="name"
          label={t("fields.apiKey.name")}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: t("fields.apiKey.name") }),
            },
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t("fields.apiKey.scopes")}
          rules={[{ required: true, message: t("pages.apiKeys.scopeRequired") }]}
        >
          <Checkbox.Group
            style={{ display: "grid", gap: 6 }}
            options={SCOPES.map((value) => ({
              value,
              label: `${enumLabel(t, "fields.apiKey.scope", value)} (${value})`,
            }))}
          />
        </Form.Item>
      </SecretFormDialog>
    </Flex>
  );
}
