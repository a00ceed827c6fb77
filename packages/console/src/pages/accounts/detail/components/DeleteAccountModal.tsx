import { Alert, App, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router";
import { type Account, useDeleteAccount } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useI18n } from "../../../../i18n/index.js";

/** Deleting asks for the account's name, typed, before the button does anything. */
export function DeleteAccountModal(props: {
  account: Account;
  open: boolean;
  onClose(): void;
  onDeleted(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const remove = useDeleteAccount();
  const [typed, setTyped] = useState("");
  const name = props.account.nickname;
  const close = () => {
    setTyped("");
    remove.reset();
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={t("pages.account.delete.title", { name })}
      okText={t("actions.delete")}
      cancelText={t("actions.cancel")}
      okButtonProps={{ danger: true, disabled: typed !== name, loading: remove.isPending }}
      onCancel={close}
      onOk={() =>
        remove.mutate(
          { appId: props.account.appId, confirm: typed },
          {
            onSuccess: () => {
              void message.success(t("pages.account.delete.done", { name }));
              props.onDeleted();
              navigate("/accounts", { replace: true });
            },
          },
        )
      }
      destroyOnHidden
    >
      <Typography.Paragraph>{t("pages.account.delete.warning", { name })}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t("pages.account.delete.label")} htmlFor="delete-confirm">
          <Input
            id="delete-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
          />
        </Form.Item>
      </Form>
      {remove.isError && <Alert type="error" showIcon message={errorMessage(t, remove.error)} />}
    </Modal>
  );
}
