import {
  Alert,
  App,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  InputNumber,
  Modal,
  Radio,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { type Account, type QuotaResets, useSetAuthorizationExpiry } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { GuardedButton } from "../../../../components/GuardedButton.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { validityDictionary } from "../../../../i18n/validity.js";
import type { Explained } from "../../../../lib/abilities.js";
import { useDayjsLocale } from "../../../../lib/dayjs-locale.js";
import { enumLabel } from "../../../../lib/labels.js";
import { formatTime, PICKER_FORMAT, zoneLabel } from "../../../../lib/time.js";

const DAY_MS = 86_400_000;
/** A platform authorization lasts at most a year from the start of its period (the server's rule). */
export const MAX_VALIDITY_DAYS = 365;

interface ExpiryValues {
  by: "days" | "date";
  days?: number | null;
  date?: Dayjs | null;
}

/**
 * Moves the end of the current authorization period: by days from its start, or to a date and
 * time; at most {@link MAX_VALIDITY_DAYS} days after the start, and in the future. Checked here
 * before sending; the server checks the same and its refusal is shown translated.
 */
function ExpiryDialog(props: { account: Account; open: boolean; onClose(): void }) {
  const { t } = useSectionI18n(validityDictionary);
  useDayjsLocale();
  const { message } = App.useApp();
  const save = useSetAuthorizationExpiry();
  const [form] = Form.useForm<ExpiryValues>();
  const by = Form.useWatch("by", form) ?? "days";
  const days = Form.useWatch("days", form);
  const a = props.account;
  const startedAt = a.authorizedAt ?? 0;
  const latest = startedAt + MAX_VALIDITY_DAYS * DAY_MS;
  const current = a.lifecycle.expiresAt;
  const close = () => {
    save.reset();
    props.onClose();
  };
  const inFuture = (end: number) => end > Date.now();

  return (
    <Modal
      open={props.open}
      title={t("pages.validity.setExpiry")}
      okText={t("actions.confirm")}
      cancelText={t("actions.cancel")}
      confirmLoading={save.isPending}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<ExpiryValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          by: "days",
          days: current === null ? MAX_VALIDITY_DAYS : Math.round((current - startedAt) / DAY_MS),
          date: current === null ? null : dayjs(current),
        }}
        onFinish={(values) => {
          const input =
            values.by === "days"
              ? { validityDays: values.days ?? MAX_VALIDITY_DAYS }
              : { expiresAt: (values.date ?? dayjs()).valueOf() };
          save.mutate(
            { appId: a.appId, ...input },
            {
              onSuccess: (account) => {
                void message.success(
                  t("pages.validity.expirySaved", { time: formatTime(account.lifecycle.expiresAt) }),
                );
                close();
              },
            },
          );
        }}
      >
        <Typography.Paragraph type="secondary">
          {t("pages.validity.expiryHint", {
            start: formatTime(startedAt),
            days: MAX_VALIDITY_DAYS,
            latest: formatTime(latest),
          })}
        </Typography.Paragraph>
        <Form.Item name="by" label={t("pages.validity.by")}>
          <Radio.Group
            options={[
              { value: "days", label: t("pages.validity.byDays") },
              { value: "date", label: t("pages.validity.byDate") },
            ]}
          />
        </Form.Item>
        {by === "days" ? (
          <Form.Item
            name="days"
            label={t("pages.validity.days")}
            extra={
              typeof days === "number"
                ? t("pages.validity.endsAt", { time: formatTime(startedAt + days * DAY_MS) })
                : undefined
            }
            rules={[
              { required: true, message: t("pages.signIn.required", { field: t("pages.validity.days") }) },
              {
                validator: async (_rule, value: number | null | undefined) => {
                  if (typeof value !== "number") return;
                  if (!Number.isInteger(value) || value < 1 || value > MAX_VALIDITY_DAYS)
                    throw new Error(t("pages.validity.tooLong", { days: MAX_VALIDITY_DAYS }));
                  if (!inFuture(startedAt + value * DAY_MS))
                    throw new Error(t("errors.reason.expiry_in_past"));
                },
              },
            ]}
          >
            <InputNumber precision={0} style={{ width: 160 }} />
          </Form.Item>
        ) : (
          <Form.Item
            name="date"
            label={`${t("pages.account.expiresAt")} (${zoneLabel()})`}
            rules={[
              {
                required: true,
                message: t("pages.signIn.required", { field: t("pages.account.expiresAt") }),
              },
              {
                validator: async (_rule, value: Dayjs | null | undefined) => {
                  if (!value) return;
                  if (value.valueOf() > latest)
                    throw new Error(t("pages.validity.tooLong", { days: MAX_VALIDITY_DAYS }));
                  if (!inFuture(value.valueOf())) throw new Error(t("errors.reason.expiry_in_past"));
                },
              },
            ]}
          >
            <DatePicker
              showTime
              format={PICKER_FORMAT}
              disabledDate={(day) => day.valueOf() > latest || day.endOf("day").valueOf() < Date.now()}
              style={{ width: "100%", maxWidth: 260 }}
            />
          </Form.Item>
        )}
      </Form>
      {save.isError && <Alert type="error" showIcon message={errorMessage(t, save.error)} />}
    </Modal>
  );
}

/**
 * 授权有效期: where the account stands in its authorization's life, its token and quota resets;
 * renewing (authorizing again starts a new period) and moving the current period's end, each
 * guarded by the server's answer.
 */
export function ValidityCard(props: {
  account: Account;
  abilities: Record<"updateAuthorization" | "setAuthorizationExpiry", Explained>;
  quota: QuotaResets | undefined;
  onRenew(): void;
}) {
  const { t } = useSectionI18n(validityDictionary);
  useDayjsLocale();
  const [editing, setEditing] = useState(false);
  const a = props.account;
  const platform = a.connection === "component";
  return (
    <Card title={<h2 className="wx-card-title">{t("pages.account.lifecycle")}</h2>} size="small">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t("fields.account.lifecycle")}>
          <span data-testid="lifecycle-state">
            {enumLabel(t, "fields.account.lifecycle", a.lifecycle.state)}
          </span>
        </Descriptions.Item>
        {platform && (
          <Descriptions.Item label={t("pages.validity.periodStart")}>
            {formatTime(a.authorizedAt)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("pages.account.expiresAt")}>
          <span data-testid="expires-at">
            {a.lifecycle.expiresAt === null
              ? t("fields.account.lifecycle.noExpiry")
              : formatTime(a.lifecycle.expiresAt)}
          </span>
        </Descriptions.Item>
        {a.lifecycle.remindFrom !== null && (
          <Descriptions.Item label={t("pages.validity.remindFrom")}>
            {formatTime(a.lifecycle.remindFrom)}
          </Descriptions.Item>
        )}
        {a.lifecycle.coolingOffUntil !== null && (
          <Descriptions.Item label={enumLabel(t, "fields.account.lifecycle", "cooling_off")}>
            {formatTime(a.lifecycle.coolingOffUntil)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("pages.account.token")}>
          {a.lastTokenError ? (
            <Typography.Text type="danger">
              {t("pages.account.tokenError", {
                code: a.lastTokenError.code,
                errcode: a.lastTokenError.errcode ?? "—",
                rid: a.lastTokenError.rid ?? "—",
                time: formatTime(a.lastTokenError.at),
              })}
            </Typography.Text>
          ) : (
            t("pages.account.tokenOk")
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("pages.account.quota")}>
          <span data-testid="quota-used">
            {props.quota
              ? t("pages.account.quotaUsed", { used: props.quota.used, limit: props.quota.limit })
              : "…"}
          </span>
        </Descriptions.Item>
      </Descriptions>
      {platform && (
        <Flex vertical gap={8} style={{ marginTop: 8 }} data-testid="validity-actions">
          <Typography.Text type="secondary" className="wx-small">
            {t("pages.validity.renewHint", { days: MAX_VALIDITY_DAYS })}
          </Typography.Text>
          <Flex gap={8} wrap>
            <GuardedButton ability={props.abilities.updateAuthorization} onClick={props.onRenew}>
              {t("pages.validity.renew")}
            </GuardedButton>
            <GuardedButton ability={props.abilities.setAuthorizationExpiry} onClick={() => setEditing(true)}>
              {t("pages.validity.setExpiry")}
            </GuardedButton>
          </Flex>
        </Flex>
      )}
      {editing && <ExpiryDialog account={a} open onClose={() => setEditing(false)} />}
    </Card>
  );
}
