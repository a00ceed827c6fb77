import { Alert, Modal, Typography } from "antd";
import { useI18n } from "../i18n/index.js";

/** A secret the server shows once: the user copies it now, or never sees it again. */
export function SecretOnce(props: { title: string; secret: string | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={props.secret !== null}
      title={props.title}
      onCancel={props.onClose}
      onOk={props.onClose}
      okText={t("common.secretSaved")}
      cancelButtonProps={{ style: { display: "none" } }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon message={t("common.secretOnce")} style={{ marginBottom: 12 }} />
      <Typography.Paragraph
        copyable={{ text: props.secret ?? "" }}
        code
        data-testid="secret"
        style={{ wordBreak: "break-all" }}
      >
        {props.secret}
      </Typography.Paragraph>
    </Modal>
  );
}
