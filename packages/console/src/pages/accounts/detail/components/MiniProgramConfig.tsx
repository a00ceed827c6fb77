import { Alert, App, Button, Card, Col, Flex, Form, Input, Radio, Row, Typography } from "antd";
import { useState } from "react";
import {
  type Account,
  type ReceiptConfigInput,
  type ReceiptMode,
  type SendConfigInput,
  useSetReceiptConfig,
  useSetSendConfig,
} from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { miniProgramDictionary } from "../../../../i18n/mini-program.js";
import type { Explained } from "../../../../lib/abilities.js";
import { enumLabel } from "../../../../lib/labels.js";

// The server's rules for these fields (accounts/routes.ts), checked before sending.
const HEADER = /^[A-Za-z0-9-]+:[^\r\n]*$/;
const RECEIPT_TOKEN = /^[A-Za-z0-9]{3,32}$/;
const AES_KEY = /^[A-Za-z0-9]{43}$/;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random EncodingAESKey: 43 letters and digits, as WeChat's own settings page generates. */
function randomAesKey(): string {
  let key = "";
  while (key.length < 43) {
    for (const byte of crypto.getRandomValues(new Uint8Array(64))) {
      // 248 = 4 × 62: the bytes below it map evenly onto the 62 letters and digits.
      if (byte < 248 && key.length < 43) key += ALPHANUMERIC[byte % 62];
    }
  }
  return key;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

interface SendValues {
  mode: SendConfigInput["mode"];
  appSecret?: string;
  tokenUrl?: string;
  header?: string;
}

function Current(props: { label: string }) {
  return (
    <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }} data-testid="current-config">
      {props.label}
    </Typography.Paragraph>
  );
}

/** 发送配置: how wxgate gets the mini program's token to send with (its AppSecret, or a token URL). */
function SendConfigForm(props: { account: Account; ability: Explained; onSaved(): void }) {
  const { account, ability } = props;
  const { t } = useSectionI18n(miniProgramDictionary);
  const { message } = App.useApp();
  const save = useSetSendConfig();
  const [form] = Form.useForm<SendValues>();
  const mode = Form.useWatch("mode", form) ?? "app_secret";
  const current = account.miniProgram?.sendConfig ?? null;
  const required = (field: string) => ({
    required: true,
    whitespace: true,
    message: t("pages.signIn.required", { field }),
  });
  return (
    <section aria-labelledby="send-config-title" data-testid="send-config">
      <Typography.Title level={3} id="send-config-title" style={{ fontSize: 14 }}>
        {t("pages.account.sendConfig")}
      </Typography.Title>
      <Current
        label={t("pages.miniProgram.current", {
          value: current ? enumLabel(t, "fields.account.sendMode", current.mode) : t("common.notSet"),
        })}
      />
      <Form<SendValues>
        form={form}
        name="send-config"
        layout="vertical"
        disabled={!ability.allowed}
        initialValues={{ mode: current?.mode ?? "app_secret" }}
        onFinish={(values) => {
          const config: SendConfigInput =
            values.mode === "app_secret"
              ? { mode: "app_secret", appSecret: (values.appSecret ?? "").trim() }
              : {
                  mode: "token_url",
                  tokenUrl: (values.tokenUrl ?? "").trim(),
                  ...(values.header?.trim() ? { header: values.header.trim() } : {}),
                };
          save.mutate(
            { appId: account.appId, config },
            {
              onSuccess: () => {
                void message.success(t("pages.miniProgram.sendSaved"));
                props.onSaved();
              },
            },
          );
        }}
      >
        <Form.Item name="mode" label={t("pages.miniProgram.mode")}>
          <Radio.Group
            options={(["app_secret", "token_url"] as const).map((value) => ({
              value,
              label: enumLabel(t, "fields.account.sendMode", value),
            }))}
          />
        </Form.Item>
        {mode === "app_secret" ? (
          <Form.Item
            name="appSecret"
            label="AppSecret"
            rules={[
              required("AppSecret"),
              { min: 16, max: 64, message: t("pages.miniProgram.appSecretLength") },
            ]}
          >
            <Input.Password autoComplete="off" style={{ maxWidth: 420 }} />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="tokenUrl"
              label={t("pages.connect.tokenUrl")}
              rules={[
                required(t("pages.connect.tokenUrl")),
                {
                  validator: async (_rule, value: string | undefined) => {
                    if (value?.trim() && (!isHttpUrl(value.trim()) || value.trim().length > 2048))
                      throw new Error(t("errors.reason.invalid_url"));
                  },
                },
              ]}
            >
              <Input inputMode="url" placeholder="https://" style={{ maxWidth: 420 }} />
            </Form.Item>
            <Form.Item
              name="header"
              label={t("pages.connect.header")}
              rules={[{ pattern: HEADER, max: 4096, message: t("pages.miniProgram.headerFormat") }]}
            >
              <Input placeholder="Authorization: Bearer …" style={{ maxWidth: 420 }} />
            </Form.Item>
          </>
        )}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t("pages.account.openIdSave")}
        </Button>
      </Form>
      {save.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          message={errorMessage(t, save.error)}
          data-testid="send-config-error"
        />
      )}
    </section>
  );
}

interface ReceiptValues {
  mode: ReceiptMode;
  token?: string;
  encodingAESKey?: string;
}

/** 回执配置: the Token, EncodingAESKey and encryption mode of the mini program's message push. */
function ReceiptConfigForm(props: { account: Account; ability: Explained; onSaved(): void }) {
  const { account, ability } = props;
  const { t } = useSectionI18n(miniProgramDictionary);
  const { message } = App.useApp();
  const save = useSetReceiptConfig();
  const [form] = Form.useForm<ReceiptValues>();
  const mode = Form.useWatch("mode", form) ?? "safe";
  const current = account.miniProgram?.receiptConfig ?? null;
  return (
    <section aria-labelledby="receipt-config-title" data-testid="receipt-config">
      <Typography.Title level={3} id="receipt-config-title" style={{ fontSize: 14 }}>
        {t("pages.account.receiptConfig")}
      </Typography.Title>
      <Current
        label={t("pages.miniProgram.current", {
          value: current ? enumLabel(t, "fields.account.receiptMode", current.mode) : t("common.notSet"),
        })}
      />
      <Form<ReceiptValues>
        form={form}
        name="receipt-config"
        layout="vertical"
        disabled={!ability.allowed}
        initialValues={{ mode: current?.mode ?? "safe" }}
        onFinish={(values) => {
          const config: ReceiptConfigInput = {
            mode: values.mode,
            token: (values.token ?? "").trim(),
            ...(values.mode !== "plaintext" || values.encodingAESKey?.trim()
              ? { encodingAESKey: (values.encodingAESKey ?? "").trim() }
              : {}),
          };
          save.mutate(
            { appId: account.appId, config },
            {
              onSuccess: () => {
                void message.success(t("pages.miniProgram.receiptSaved"));
                props.onSaved();
              },
            },
          );
        }}
      >
        <Form.Item name="mode" label={t("pages.miniProgram.encryption")}>
          <Radio.Group
            options={(["plaintext", "compatible", "safe"] as const).map((value) => ({
              value,
              label: enumLabel(t, "fields.account.receiptMode", value),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="token"
          label="Token"
          rules={[
            {
              required: true,
              whitespace: true,
              message: t("pages.signIn.required", { field: "Token" }),
            },
            { pattern: RECEIPT_TOKEN, message: t("pages.miniProgram.tokenFormat") },
          ]}
        >
          <Input autoComplete="off" style={{ maxWidth: 420 }} />
        </Form.Item>
        <Form.Item
          name="encodingAESKey"
          label="EncodingAESKey"
          rules={[
            {
              required: mode !== "plaintext",
              whitespace: true,
              message: t("errors.reason.encoding_aes_key_required"),
            },
            { pattern: AES_KEY, message: t("pages.miniProgram.aesKeyFormat") },
          ]}
        >
          <Input autoComplete="off" style={{ maxWidth: 560 }} />
        </Form.Item>
        <Flex gap={8} wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t("pages.account.openIdSave")}
          </Button>
          <Button
            onClick={() => {
              // A generated key is well formed: an error shown for the field goes with the old value.
              const shown = form.getFieldError("encodingAESKey").length > 0;
              form.setFields([
                { name: "encodingAESKey", value: randomAesKey(), ...(shown ? { errors: [] } : {}) },
              ]);
            }}
          >
            {t("pages.miniProgram.generate")}
          </Button>
        </Flex>
      </Form>
      {save.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          message={errorMessage(t, save.error)}
          data-testid="receipt-config-error"
        />
      )}
    </section>
  );
}

/** 小程序配置: the send and receipt configurations; secrets are written, never shown again. */
export function MiniProgramConfig(props: {
  account: Account;
  abilities: Record<"setSendConfig" | "setReceiptConfig", Explained>;
}) {
  const { t } = useSectionI18n(miniProgramDictionary);
  // Each save starts its form afresh: what was typed (secrets) does not stay on the page.
  const [sendSaves, setSendSaves] = useState(0);
  const [receiptSaves, setReceiptSaves] = useState(0);
  const refused = [props.abilities.setSendConfig, props.abilities.setReceiptConfig].find((a) => !a.allowed);
  return (
    <Card title={<h2 className="wx-card-title">{t("pages.account.miniProgram")}</h2>} size="small">
      <Typography.Paragraph type="secondary">{t("pages.miniProgram.intro")}</Typography.Paragraph>
      {refused && <Alert type="info" showIcon message={refused.reason} style={{ marginBottom: 12 }} />}
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={12}>
          <SendConfigForm
            key={sendSaves}
            account={props.account}
            ability={props.abilities.setSendConfig}
            onSaved={() => setSendSaves((n) => n + 1)}
          />
        </Col>
        <Col xs={24} lg={12}>
          <ReceiptConfigForm
            key={receiptSaves}
            account={props.account}
            ability={props.abilities.setReceiptConfig}
            onSaved={() => setReceiptSaves((n) => n + 1)}
          />
        </Col>
      </Row>
    </Card>
  );
}
