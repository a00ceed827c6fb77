import { Alert, Form, Input, Modal, Segmented } from "antd";
import { useEffect, useRef, useState } from "react";
import { setIdentityConfirmer } from "../api/client.js";
import { errorMessage } from "../api/errors.js";
import { confirmIdentity, useSecurityOverview } from "../api/security.js";
import { useI18n } from "../i18n/index.js";

/**
 * The password (or a code of the user's authenticator app, once TOTP is on) asked again before
 * a risk operation: mounted once in the signed-in frame, it answers every
 * `confirmation_required` the API gives (see `request`). Requests refused at the same time
 * share one dialog; each is sent again once the identity is confirmed.
 */
export function IdentityConfirmation() {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password?: string; totp?: string }>();
  const [open, setOpen] = useState(false);
  const overview = useSecurityOverview(open);
  const totpOn = overview.data?.totp.enabled === true;
  const [method, setMethod] = useState<"password" | "totp">("password");
  const byTotp = totpOn && method === "totp";
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  /** The answer the waiting requests get, and the promise they share. */
  const waiting = useRef<{ promise: Promise<boolean>; resolve: (confirmed: boolean) => void }>();

  useEffect(() => {
    setIdentityConfirmer(() => {
      if (!waiting.current) {
        let resolve: (confirmed: boolean) => void = () => {};
        const promise = new Promise<boolean>((done) => {
          resolve = done;
        });
        waiting.current = { promise, resolve };
        setOpen(true);
      }
      return waiting.current.promise;
    });
    return () => setIdentityConfirmer(undefined);
  }, []);

  const finish = (confirmed: boolean) => {
    waiting.current?.resolve(confirmed);
    waiting.current = undefined;
    setOpen(false);
    setError(undefined);
    form.resetFields();
  };

  const submit = async () => {
    const { password, totp } = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      await confirmIdentity(byTotp ? { totp: totp ?? "" } : { password: password ?? "" });
      finish(true);
    } catch (failure) {
      setError(errorMessage(t, failure));
      form.setFieldsValue({ password: "", totp: "" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("security.confirm.title")}
      okText={t("security.confirm.submit")}
      cancelText={t("actions.cancel")}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={() => finish(false)}
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
