import { Alert, App, Button, Flex, Modal, Radio, Space, Typography } from "antd";
import { useState } from "react";
import { type AuthorizationLink, useCreateAuthorization } from "../../../api/accounts.js";
import { errorMessage } from "../../../api/errors.js";
import { useI18n } from "../../../i18n/index.js";
import { serverInfo } from "../../../lib/server-info.js";
import { formatTime } from "../../../lib/time.js";

/**
 * 扫码授权: creates a platform authorization link (or an update link for one account) and shows
 * its QR code, the PC and mobile links and when they expire; in sandbox mode a button opens
 * the emulated WeChat authorization page.
 */
export function AuthorizeDialog(props: {
  open: boolean;
  onClose(): void;
  update?: { appId: string; name: string } | undefined;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const create = useCreateAuthorization();
  const [authType, setAuthType] = useState<1 | 2 | 3>(3);
  const [link, setLink] = useState<AuthorizationLink | null>(null);

  const close = () => {
    setLink(null);
    create.reset();
    props.onClose();
  };
  const start = () =>
    create.mutate(props.update ? { appId: props.update.appId } : { authType }, { onSuccess: setLink });

  return (
    <Modal
      open={props.open}
      title={
        props.update
          ? t("pages.authorize.updateTitle", { name: props.update.name })
          : t("pages.authorize.title")
      }
      onCancel={close}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={close}>
          {t("pages.authorize.done")}
        </Button>
      }
      width={560}
    >
      <Space direction="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Paragraph style={{ margin: 0 }}>{t("pages.authorize.steps")}</Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
          {t("pages.authorize.minimum")}
        </Typography.Paragraph>
        {!link && (
          <Flex vertical gap={12}>
            {!props.update && (
              <fieldset style={{ border: "none", margin: 0, padding: 0 }}>
                <legend style={{ fontWeight: 600, marginBottom: 4, fontSize: 14 }}>
                  {t("pages.authorize.kind")}
                </legend>
                <Radio.Group
                  value={authType}
                  onChange={(e) => setAuthType(e.target.value as 1 | 2 | 3)}
                  options={[
                    {
                      value: 3,
                      label: `${t("fields.account.kind.service")} / ${t("fields.account.kind.miniprogram")}`,
                    },
                    { value: 1, label: t("fields.account.kind.service") },
                    { value: 2, label: t("fields.account.kind.miniprogram") },
                  ]}
                />
              </fieldset>
            )}
            <Button type="primary" onClick={start} loading={create.isPending} data-testid="create-link">
              {t("pages.authorize.create")}
            </Button>
          </Flex>
        )}
        {create.isError && <Alert type="error" showIcon message={errorMessage(t, create.error)} />}
        {link && (
          <Flex vertical gap={12} align="center" data-testid="authorization-link">
            <img
              src={link.qrCode}
              alt={t("pages.authorize.qrAlt")}
              width={200}
              height={200}
              data-testid="qr-code"
            />
            <Typography.Text type="secondary">
              {t("pages.authorize.expires", { time: formatTime(link.expiresAt) })}
            </Typography.Text>
            <Flex vertical gap={8} style={{ width: "100%" }}>
              <Typography.Link href={link.pcUrl} target="_blank" rel="noopener">
                {t("pages.authorize.pcLink")}
              </Typography.Link>
              <Typography.Text
                copyable={{ text: link.mobileUrl, onCopy: () => void message.success(t("common.copied")) }}
              >
                {t("pages.authorize.mobileLink")}
              </Typography.Text>
            </Flex>
            {serverInfo.mode === "sandbox" && (
              <Alert
                type="info"
                showIcon
                style={{ width: "100%" }}
                message={t("pages.authorize.sandboxHint")}
                action={
                  <Button href={link.pcUrl} target="_blank" rel="noopener" data-testid="sandbox-authorize">
                    {t("pages.authorize.sandbox")}
                  </Button>
                }
              />
            )}
            <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
              {t("pages.authorize.doneHint")}
            </Typography.Paragraph>
          </Flex>
        )}
      </Space>
    </Modal>
  );
}
