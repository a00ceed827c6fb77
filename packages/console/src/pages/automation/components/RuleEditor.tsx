import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Checkbox, Drawer, Flex, Form, Input, InputNumber, Radio, Select, Space, Switch } from "antd";
import { useEffect } from "react";
import {
  problemsOf,
  type Rule,
  type RuleInput,
  type RuleKind,
  type RuleReply,
  useSaveRule,
} from "../../../api/automation.js";
import { ApiError } from "../../../api/client.js";
import { errorMessage } from "../../../api/errors.js";
import { MediaIdInput, PicUrlInput } from "../../../components/MaterialFields.js";
import { type AutomationKey, automationDictionary } from "../../../i18n/automation.js";
import { useSectionI18n } from "../../../i18n/index.js";

/** UTF-8 bytes of a text, as WeChat counts them (a Chinese character is 3). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
const TEXT_BYTES = 2048;
const KINDS: RuleKind[] = ["keyword", "follow", "default", "click"];
const REPLY_TYPES: RuleReply["type"][] = [
  "text",
  "image",
  "voice",
  "video",
  "news",
  "transfer_customer_service",
];

/** The form's values: keywords as lines (`=` marks an exact one), the schedule behind a switch. */
interface FormValues {
  name: string;
  kind: RuleKind;
  keywords: string;
  menuKey: string;
  priority: number;
  mode: "all" | "random";
  enabled: boolean;
  scheduled: boolean;
  schedule: { days: number[]; from: string; to: string };
  replies: (Partial<Record<string, string>> & { type: RuleReply["type"] })[];
}

function valuesOf(rule: Rule | undefined): FormValues {
  return {
    name: rule?.name ?? "",
    kind: rule?.kind ?? "keyword",
    keywords: (rule?.keywords ?? []).map((k) => (k.match === "exact" ? `=${k.text}` : k.text)).join("\n"),
    menuKey: rule?.menuKey ?? "",
    priority: rule?.priority ?? 0,
    mode: rule?.mode ?? "all",
    enabled: rule?.enabled ?? true,
    scheduled: Boolean(rule?.schedule),
    schedule: rule?.schedule ?? { days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00" },
    replies: (rule?.replies ?? [{ type: "text", content: "" }]).map((r) => ({ ...r })),
  };
}

const trimmed = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** A reply as the API takes it, from its form fields. */
function replyOf(r: FormValues["replies"][number]): RuleReply {
  switch (r.type) {
    case "text":
      return { type: "text", content: r.content ?? "" };
    case "image":
    case "voice":
      return { type: r.type, mediaId: r.mediaId ?? "" };
    case "video": {
      const [thumbMediaId, title, description] = [
        trimmed(r.thumbMediaId),
        trimmed(r.title),
        trimmed(r.description),
      ];
      return {
        type: "video",
        mediaId: r.mediaId ?? "",
        ...(thumbMediaId ? { thumbMediaId } : {}),
        ...(title ? { title } : {}),
        ...(description ? { description } : {}),
      };
    }
    case "news": {
      const [description, picUrl] = [trimmed(r.description), trimmed(r.picUrl)];
      return {
        type: "news",
        title: r.title ?? "",
        url: r.url ?? "",
        ...(description ? { description } : {}),
        ...(picUrl ? { picUrl } : {}),
      };
    }
    case "transfer_customer_service": {
      const kfAccount = trimmed(r.kfAccount);
      return { type: "transfer_customer_service", ...(kfAccount ? { kfAccount } : {}) };
    }
  }
}

function inputOf(values: FormValues): RuleInput {
  const replies = values.replies.map(replyOf);
  return {
    name: values.name,
    kind: values.kind,
    keywords:
      values.kind === "keyword"
        ? values.keywords
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) =>
              line.startsWith("=")
                ? { text: line.slice(1), match: "exact" as const }
                : { text: line, match: "contains" as const },
            )
        : [],
    menuKey: values.kind === "click" ? values.menuKey : null,
    priority: values.priority ?? 0,
    schedule: values.scheduled ? { ...values.schedule, utcOffsetMinutes: 480 } : null,
    mode: values.mode,
    replies,
    enabled: values.enabled,
  };
}

/** The form field a problem's path points at (`replies.1.content` → ["replies", 1, "content"]). */
function fieldOf(path: string): (string | number)[] {
  const parts = path.split(".").filter(Boolean);
  if (parts[0] === "keywords") return ["keywords"];
  if (parts[0] === "replies" && parts.length === 1) return ["replyList"];
  if (parts[0] === "replies" && parts[2] === "type") return ["replies", Number(parts[1]), "type"];
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Creates or changes one rule; each broken rule shows beside its field. */
export function RuleEditor({
  appId,
  rule,
  open,
  onClose,
  onSaved,
}: {
  appId: string;
  rule: Rule | undefined;
  open: boolean;
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useSectionI18n(automationDictionary);
  const [form] = Form.useForm<FormValues>();
  const save = useSaveRule(appId);
  const kind = Form.useWatch("kind", form);
  const scheduled = Form.useWatch("scheduled", form);

  useEffect(() => {
    if (open) form.setFieldsValue(valuesOf(rule));
  }, [open, rule, form]);

  const submit = async (values: FormValues) => {
    try {
      await save.mutateAsync({ ...(rule ? { id: rule.id } : {}), input: inputOf(values) });
      onSaved();
    } catch (error) {
      const problems = error instanceof ApiError ? problemsOf(error.details) : [];
      if (problems.length === 0) {
        form.setFields([{ name: "name", errors: [errorMessage(t, error)] }]);
        return;
      }
      const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
      for (const p of problems) {
        const name = fieldOf(p.field);
        const key = name.join(".");
        const text = t(
          `auto.reason.${p.reason}` as AutomationKey,
          p.limit === undefined ? {} : { limit: p.limit },
        );
        const entry = byField.get(key) ?? { name, errors: [] };
        entry.errors.push(text);
        byField.set(key, entry);
      }
      form.setFields([...byField.values()] as Parameters<typeof form.setFields>[0]);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={640}
      title={rule ? t("auto.edit") : t("auto.create")}
      destroyOnHidden
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t("auto.save")}
        </Button>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit} initialValues={valuesOf(rule)}>
        <Form.Item name="name" label={t("auto.name")}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="kind" label={t("auto.kind")}>
          <Radio.Group
            optionType="button"
            options={KINDS.map((k) => ({ value: k, label: t(`auto.kind.${k}`) }))}
          />
        </Form.Item>
        {kind === "keyword" && (
          <Form.Item name="keywords" label={t("auto.keywords")} extra={t("auto.keywordsHint")}>
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
        {kind === "click" && (
          <Form.Item name="menuKey" label={t("auto.menuKey")}>
            <Input />
          </Form.Item>
        )}
        <Space size="large" wrap>
          <Form.Item name="priority" label={t("auto.priority")}>
            <InputNumber min={-1000} max={1000} />
          </Form.Item>
          <Form.Item name="mode" label={t("auto.mode")}>
            <Radio.Group
              options={[
                { value: "all", label: t("auto.mode.all") },
                { value: "random", label: t("auto.mode.random") },
              ]}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t("auto.enabled")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Form.Item name="scheduled" valuePropName="checked">
          <Checkbox>{t("auto.scheduleOn")}</Checkbox>
        </Form.Item>
        {scheduled && (
          <Space wrap align="start">
            <Form.Item name={["schedule", "days"]} label={t("auto.days")}>
              <Checkbox.Group
                options={[1, 2, 3, 4, 5, 6, 0].map((d) => ({
                  value: d,
                  label: t(`auto.day.${d}` as AutomationKey),
                }))}
              />
            </Form.Item>
            <Form.Item name={["schedule", "from"]} label={t("auto.from")}>
              <Input style={{ width: 90 }} placeholder="09:00" />
            </Form.Item>
            <Form.Item name={["schedule", "to"]} label={t("auto.to")}>
              <Input style={{ width: 90 }} placeholder="18:00" />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="replyList" label={t("auto.replies")} style={{ marginBottom: 8 }}>
          <span />
        </Form.Item>
        <Form.List name="replies">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.map((field) => (
                <ReplyFields
                  key={field.key}
                  appId={appId}
                  index={field.name}
                  form={form}
                  onRemove={() => remove(field.name)}
                />
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ type: "text", content: "" })}
                disabled={fields.length >= 5}
              >
                {t("auto.addReply")}
              </Button>
            </Flex>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}

function ReplyFields({
  appId,
  index,
  form,
  onRemove,
}: {
  appId: string;
  index: number;
  form: ReturnType<typeof Form.useForm<FormValues>>[0];
  onRemove(): void;
}) {
  const { t } = useSectionI18n(automationDictionary);
  const type = Form.useWatch(["replies", index, "type"], form) as RuleReply["type"] | undefined;
  const content = (Form.useWatch(["replies", index, "content"], form) as string | undefined) ?? "";
  const field = (name: string, label: AutomationKey, extra?: string) => (
    <Form.Item name={[index, name]} label={t(label)} {...(extra ? { extra } : {})}>
      <Input />
    </Form.Item>
  );
  return (
    <Flex
      vertical
      style={{ border: "1px solid var(--ant-color-border, #d9d9d9)", borderRadius: 8, padding: 12 }}
    >
      <Flex gap={8} align="start">
        <Form.Item name={[index, "type"]} label={t("auto.replyType")} style={{ flex: 1 }}>
          <Select options={REPLY_TYPES.map((r) => ({ value: r, label: t(`auto.type.${r}`) }))} />
        </Form.Item>
        <Button
          type="text"
          icon={<MinusCircleOutlined />}
          onClick={onRemove}
          aria-label={t("auto.removeReply")}
        />
      </Flex>
      {type === "text" && (
        <Form.Item
          name={[index, "content"]}
          label={t("auto.content")}
          extra={t("auto.bytes", { bytes: utf8Bytes(content), limit: TEXT_BYTES })}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      )}
      {(type === "image" || type === "voice" || type === "video") && (
        <Form.Item name={[index, "mediaId"]} label={t("auto.mediaId")}>
          <MediaIdInput appId={appId} type={type} />
        </Form.Item>
      )}
      {type === "video" && field("thumbMediaId", "auto.thumbMediaId")}
      {type === "video" && field("title", "auto.newsTitle")}
      {type === "news" && field("title", "auto.newsTitle")}
      {(type === "video" || type === "news") && field("description", "auto.newsDescription")}
      {type === "news" && field("url", "auto.url")}
      {type === "news" && (
        <Form.Item name={[index, "picUrl"]} label={t("auto.picUrl")}>
          <PicUrlInput appId={appId} />
        </Form.Item>
      )}
      {type === "transfer_customer_service" && field("kfAccount", "auto.kfAccount")}
    </Flex>
  );
}
