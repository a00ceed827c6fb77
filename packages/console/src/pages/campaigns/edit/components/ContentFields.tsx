import { Alert, Form, type FormInstance, Input, Select, Typography } from "antd";
import { type CampaignTemplate, useCampaignTemplates } from "../../../../api/campaigns.js";
import type { ItemType } from "../../../../api/materials.js";
import { MediaIdInput } from "../../../../components/MaterialFields.js";
import { type CampaignsTranslate, campaignsDictionary } from "../../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { campaignError } from "../../shared.js";
import {
  CUSTOM_TYPES,
  type FormValues,
  fieldLimit,
  MASS_TYPES,
  mustChoose,
  TEXT_BYTES,
  utf8Bytes,
} from "../form.js";

/** What is sent, by channel: a template's fields, a material or text, a mini program card. */
export function ContentFields({ appId, form }: { appId: string; form: FormInstance<FormValues> }) {
  const channel = Form.useWatch("channel", form) ?? "template";
  if (channel === "template" || channel === "subscribe")
    return <TemplateFields appId={appId} form={form} subscribe={channel === "subscribe"} />;
  if (channel === "mass") return <MassFields appId={appId} form={form} />;
  return <CustomFields appId={appId} form={form} />;
}

/** A counter under a text: its length against WeChat's limit. */
function Counter({ t, text, limit }: { t: CampaignsTranslate; text: string; limit: number }) {
  const count = [...text].length;
  return (
    <Typography.Text type={count > limit ? "danger" : "secondary"}>
      {t("camp.chars", { count, limit })}
    </Typography.Text>
  );
}

/** The account's templates to choose from, then one input per field of the chosen one. */
export function TemplateFields({
  appId,
  form,
  subscribe,
}: {
  appId: string;
  form: FormInstance<FormValues>;
  subscribe: boolean;
}) {
  const { t } = useSectionI18n(campaignsDictionary);
  const templates = useCampaignTemplates(appId, true);
  const templateId = Form.useWatch("templateId", form);
  const data = Form.useWatch("data", form) ?? {};
  const chosen = templates.data?.find((tpl) => tpl.templateId === templateId);
  return (
    <>
      {templates.isError && <Alert type="error" showIcon message={campaignError(t, templates.error)} />}
      <Form.Item
        name="templateId"
        label={t("camp.template")}
        rules={[mustChoose(t("camp.templateRequired"))]}
        extra={templates.data?.length === 0 ? t("camp.noTemplates") : undefined}
      >
        <Select
          loading={templates.isPending}
          style={{ maxWidth: 480 }}
          options={(templates.data ?? []).map((tpl: CampaignTemplate) => ({
            value: tpl.templateId,
            label: `${tpl.title} (${tpl.templateId})`,
          }))}
        />
      </Form.Item>
      {chosen && (
        <>
          <Typography.Paragraph type="secondary" style={{ whiteSpace: "pre-wrap" }}>
            {chosen.content}
          </Typography.Paragraph>
          {chosen.fields.map((field) => {
            const limit = fieldLimit(subscribe ? "subscribe" : "template", field);
            return (
              <Form.Item
                key={field}
                name={["data", field]}
                label={field}
                extra={<Counter t={t} text={data[field] ?? ""} limit={limit} />}
                rules={[
                  { required: true, whitespace: true, message: t("camp.required") },
                  {
                    validator: (_: unknown, value: string | undefined) =>
                      [...(value ?? "")].length > limit
                        ? Promise.reject(new Error(t("campr.problem.field_too_long", { limit })))
                        : Promise.resolve(),
                  },
                ]}
              >
                <Input style={{ maxWidth: 480 }} />
              </Form.Item>
            );
          })}
        </>
      )}
      {subscribe ? (
        <Form.Item name="page" label={t("camp.page")}>
          <Input style={{ maxWidth: 480 }} />
        </Form.Item>
      ) : (
        <>
          <Form.Item name="url" label={t("camp.url")}>
            <Input style={{ maxWidth: 480 }} />
          </Form.Item>
          <Form.Item name="mpAppid" label={t("camp.mpAppid")}>
            <Input style={{ maxWidth: 480 }} />
          </Form.Item>
          <Form.Item name="mpPath" label={t("camp.mpPath")}>
            <Input style={{ maxWidth: 480 }} />
          </Form.Item>
        </>
      )}
    </>
  );
}

function TextField({ t, form }: { t: CampaignsTranslate; form: FormInstance<FormValues> }) {
  const text = Form.useWatch("text", form) ?? "";
  const bytes = utf8Bytes(text);
  return (
    <Form.Item
      name="text"
      label={t("camp.text")}
      extra={
        <Typography.Text type={bytes > TEXT_BYTES ? "danger" : "secondary"}>
          {t("camp.bytes", { bytes, limit: TEXT_BYTES })}
        </Typography.Text>
      }
      rules={[{ required: true, whitespace: true, message: t("camp.required") }]}
    >
      <Input.TextArea rows={4} style={{ maxWidth: 560 }} />
    </Form.Item>
  );
}

/** The materials a mass message of each type is made of (mpvideo: a video material). */
const MASS_MEDIA: Record<Exclude<FormValues["massType"], "text" | undefined>, ItemType> = {
  mpnews: "news",
  image: "image",
  voice: "voice",
  mpvideo: "video",
};

function MassFields({ appId, form }: { appId: string; form: FormInstance<FormValues> }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const type = Form.useWatch("massType", form) ?? "mpnews";
  return (
    <>
      <Form.Item name="massType" label={t("camp.type")}>
        <Select
          style={{ maxWidth: 240 }}
          options={MASS_TYPES.map((v) => ({ value: v, label: t(`camp.type.${v}`) }))}
        />
      </Form.Item>
      {type === "text" ? (
        <TextField t={t} form={form} />
      ) : (
        <Form.Item
          name="mediaId"
          label={t("camp.mediaId")}
          rules={[{ required: true, message: t("camp.required") }]}
          style={{ maxWidth: 560 }}
        >
          <MediaIdInput appId={appId} type={MASS_MEDIA[type]} />
        </Form.Item>
      )}
    </>
  );
}

function CustomFields({ appId, form }: { appId: string; form: FormInstance<FormValues> }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const type = Form.useWatch("customType", form) ?? "text";
  const required = [{ required: true, whitespace: true, message: t("camp.required") }];
  const field = (name: keyof FormValues, label: Parameters<typeof t>[0], must = false) => (
    <Form.Item key={name} name={name} label={t(label)} rules={must ? required : []}>
      <Input style={{ maxWidth: 480 }} />
    </Form.Item>
  );
  // A media_id is typed or chosen from the account's materials of the type WeChat expects.
  const media = (name: "mediaId" | "thumbMediaId", label: Parameters<typeof t>[0], of: ItemType) => (
    <Form.Item key={name} name={name} label={t(label)} rules={required} style={{ maxWidth: 560 }}>
      <MediaIdInput appId={appId} type={of} />
    </Form.Item>
  );
  return (
    <>
      <Form.Item name="customType" label={t("camp.type")}>
        <Select
          style={{ maxWidth: 240 }}
          options={CUSTOM_TYPES.map((v) => ({ value: v, label: t(`camp.type.${v}`) }))}
        />
      </Form.Item>
      {type === "text" && <TextField t={t} form={form} />}
      {(type === "image" || type === "voice") && media("mediaId", "camp.mediaId", type)}
      {type === "video" && [
        media("mediaId", "camp.mediaId", "video"),
        media("thumbMediaId", "camp.thumbMediaId", "thumb"),
        field("title", "camp.newsTitle"),
        field("description", "camp.description"),
      ]}
      {type === "news" && [
        field("title", "camp.newsTitle", true),
        field("description", "camp.description"),
        field("url", "camp.link", true),
        field("picUrl", "camp.picUrl"),
      ]}
      {type === "miniprogrampage" && [
        field("title", "camp.newsTitle", true),
        field("appid", "camp.appid", true),
        field("pagepath", "camp.pagepath", true),
        media("thumbMediaId", "camp.thumbMediaId", "image"),
      ]}
    </>
  );
}
