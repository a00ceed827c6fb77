import { Alert, App, Form, Input, Modal, Radio, Select, Switch } from "antd";
import { useState } from "react";
import { type AccountKind, useConnectAccount } from "../../../api/accounts.js";
import { errorMessage } from "../../../api/errors.js";
import { useI18n } from "../../../i18n/index.js";
import { enumLabel } from "../../../lib/labels.js";

interface Fields {
  appId: string;
  nickname: string;
  kind: AccountKind;
  verified: boolean;
  appSecret: string;
  tokenUrl: string;
  header: string;
}

/** 直连: an account connected by its AppSecret, or through the customer's token server. */
export function ConnectDialog(props: { open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const connect = useConnectAccount();
  const [mode, setMode] = useState<"app_secret" | "token_url">("app_secret");
  const [form] = Form.useForm<Fields>();
  const close = () => {
    connect.reset();
    props.onClose();
  };
  const required = (field: string) => [
    { required: true, whitespace: true, message: t("pages.signIn.required", { field }) },
  ];
  return (
    <Modal
      open={props.open}
      title={t("pages.connect.title")}
      okText={t("pages.connect.submit")}
      cancelText={t("actions.cancel")}
      confirmLoading={connect.isPending}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<Fields>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: "service", verified: true }}
        onFinish={(values) => {
          const base = {
            appId: values.appId.trim(),
            kind: values.kind,
            verified: values.verified,
            ...(values.nickname?.trim() ? { nickname: values.nickname.trim() } : {}),
          };
          connect.mutate(
            mode === "app_secret"
              ? { ...base, appSecret: values.appSecret.trim() }
              : {
                  ...base,
                  tokenUrl: values.tokenUrl.trim(),
                  ...(values.header?.trim() ? { header: values.header.trim() } : {}),
                },
            {
              onSuccess: (account) => {
                void message.success(t("pages.connect.done", { name: account.nickname }));
                close();
              },
            },
          );
        }}
      >
        <Radio.Group
          value={mode}
          onChange={(e) => setMode(e.target.value as "app_secret" | "token_url")}
          optionType="button"
          style={{ marginBottom: 16 }}
          options={[
            { value: "app_secret", label: t("fields.account.sendMode.app_secret") },
            { value: "token_url", label: t("fields.account.sendMode.token_url") },
          ]}
        />
        <p className="wx-muted wx-small" style={{ marginTop: 0 }}>
          {mode === "app_secret" ? t("pages.connect.appSecretHint") : t("pages.connect.tokenUrlHint")}
        </p>
        <Form.Item name="appId" label="AppID" rules={required("AppID")}>
          <Input autoComplete="off" placeholder="wx…" />
        </Form.Item>
        <Form.Item name="nickname" label={t("fields.account.nickname")}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="kind" label={t("fields.account.kind")}>
          <Select<AccountKind>
            options={(["service", "subscription", "miniprogram"] as const).map((value) => ({
              value,
              label: enumLabel(t, "fields.account.kind", value),
            }))}
          />
        </Form.Item>
        <Form.Item name="verified" label={t("fields.account.verified")} valuePropName="checked">
          <Switch />
        </Form.Item>
        {mode === "app_secret" ? (
          <Form.Item name="appSecret" label="AppSecret" rules={required("AppSecret")}>
            <Input type="password" autoComplete="off" />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="tokenUrl"
              label={t("pages.connect.tokenUrl")}
              rules={required(t("pages.connect.tokenUrl"))}
            >
              <Input inputMode="url" placeholder="https://tokens.example.com/wechat/wx…" />
            </Form.Item>
            <Form.Item name="header" label={t("pages.connect.header")}>
              <Input placeholder="Authorization: Bearer …" autoComplete="off" />
            </Form.Item>
          </>
        )}
      </Form>
      {connect.isError && <Alert type="error" showIcon message={errorMessage(t, connect.error)} />}
    </Modal>
  );
}
