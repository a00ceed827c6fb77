import { Alert, Form, Input, Modal, Segmented } from "antd";
import { useState } from "react";
import { errorMessage } from "../api/errors.js";
import { confirmIdentity, useSecurityOverview } from "../api/security.js";
import { useI18n } from "../i18n/index.js";

/**
 * The dialog that asks for the password (or a code of the user's authenticator app, once TOTP
 * is on) again before a risk operation. Loaded only when the API first asks for a confirmation
 * (see `IdentityConfirmation`); `onFinish` tells the waiting requests whether it was given.
 */
export function IdentityConfirmationDialog({ onFinish }: { onFinish: (confirmed: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password?: string; totp?: string }>();
  const overview = useSecurityOverview(true);
  const totpOn = overview.data?.totp.enabled === true;
  const [method, setMethod] = useState<"password" | "totp">("password");
  const byTotp = totpOn && method === "totp";
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    const { password, totp } = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      await confirmIdentity(byTotp ? { totp: totp ?? "" } : { password: password ?? "" });
      onFinish(true);
    } catch (failure) {
      setError(errorMessage(t, failure));
      form.setFieldsValue({ password: "", totp: "" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("security.confirm.title")}
      okText={t("security.confirm.submit")}
      cancelText={t("actions.cancel")}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={() => onFinish(false)}
      destroyOnHidden
    >
      <p>{t("security.confirm.intro")}</p>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {totpOn && (
        <Segmented
          aria-label={t("security.confirm.method")}
          style={{ marginBottom: 12 }}
          value={method}
          onChange={(value) => setMethod(value as "password" | "totp")}
          options={[
            { value: "password", label: t("security.confirm.byPassword") },
            { value: "totp", label: t("security.confirm.byTotp") },
          ]}
        />
      )}
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        {byTotp ? (
          <Form.Item
            name="totp"
            label={t("security.confirm.totp")}
            rules={[{ required: true, pattern: /^\d{6}$/, message: t("pages.signIn.codeInvalid") }]}
          >
            <Input autoFocus autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
          </Form.Item>
        ) : (
          <Form.Item
            name="password"
            label={t("security.confirm.password")}
            rules={[
              {
                required: true,
                message: t("pages.signIn.required", { field: t("security.confirm.password") }),
              },
            ]}
          >
            <Input.Password autoFocus autoComplete="current-password" maxLength={256} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
