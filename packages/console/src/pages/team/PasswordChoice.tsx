import { Form, Input, Radio } from "antd";
import { useI18n } from "../../i18n/index.js";

// The server's rules (auth/admins.ts), checked before sending.
export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 256;

export interface PasswordValues {
  how: "generate" | "choose";
  password?: string;
}

/** Generate a password (shown once), or type one: the choice both dialogs offer. */
export function PasswordChoice() {
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

export const chosen = (values: PasswordValues) =>
  values.how === "choose" && values.password !== undefined ? { password: values.password } : {};
