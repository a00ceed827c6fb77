import { CheckCircleTwoTone, CloseCircleTwoTone } from "@ant-design/icons";
import { App, Button, Flex, Form, Input, Space, Tag, Typography } from "antd";
import { type Account, useSetOpenIdMapping } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useI18n } from "../../../../i18n/index.js";

/** Pieces of an account's overview: lists of permission sets, enable checks, the OpenID form. */

export function SetList({ sets, tone }: { sets: { id: number; name: string }[]; tone: string }) {
  const { t } = useI18n();
  if (sets.length === 0) return <Typography.Text type="secondary">{t("common.none")}</Typography.Text>;
  return (
    <Flex wrap gap={4}>
      {sets.map((s) => (
        <Tag key={s.id} className={tone}>
          {s.name}
        </Tag>
      ))}
    </Flex>
  );
}

export function Check({ ok, okText, failText }: { ok: boolean; okText: string; failText: string }) {
  return (
    <li>
      <Space>
        {ok ? (
          <CheckCircleTwoTone twoToneColor="#52c41a" aria-hidden />
        ) : (
          <CloseCircleTwoTone twoToneColor="#ff4d4f" aria-hidden />
        )}
        <Typography.Text type={ok ? undefined : "danger"}>{ok ? okText : failText}</Typography.Text>
      </Space>
    </li>
  );
}

export function OpenIdForm({ account, allowed }: { account: Account; allowed: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const save = useSetOpenIdMapping();
  return (
    <Form
      layout="vertical"
      initialValues={{ property: account.openIdMapping ?? "" }}
      onFinish={(values: { property: string }) =>
        save.mutate(
          { appId: account.appId, property: values.property.trim() },
          {
            onSuccess: () => void message.success(t("pages.account.openIdSaved")),
            onError: (error) => void message.error(errorMessage(t, error)),
          },
        )
      }
    >
      <Form.Item
        name="property"
        label={t("pages.account.openIdProperty")}
        rules={[
          {
            required: true,
            whitespace: true,
            message: t("pages.signIn.required", { field: t("pages.account.openIdProperty") }),
          },
        ]}
      >
        <Input disabled={!allowed} style={{ maxWidth: 320 }} />
      </Form.Item>
      <Button htmlType="submit" type="primary" disabled={!allowed} loading={save.isPending}>
        {t("pages.account.openIdSave")}
      </Button>
    </Form>
  );
}
