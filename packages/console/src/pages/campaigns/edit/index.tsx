import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, DatePicker, Flex, Form, Input, Radio, Spin, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  type Campaign,
  CHANNELS,
  problemsOf,
  useCampaign,
  useCampaignTemplates,
  useCreateCampaign,
  useUpdateCampaign,
} from "../../../api/campaigns.js";
import { ApiError } from "../../../api/client.js";
import { campaignsDictionary, campaignText } from "../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { PICKER_FORMAT, zoneLabel } from "../../../lib/time.js";
import { campaignError } from "../shared.js";
import { AudienceFields } from "./components/AudienceFields.js";
import { ContentFields } from "./components/ContentFields.js";
import {
  AUDIENCES,
  emptyValues,
  type FieldName,
  type FormValues,
  formFieldOf,
  inputOf,
  valuesOf,
} from "./form.js";

/** A new campaign of an account. */
export function NewCampaignPage() {
  const { appId = "" } = useParams();
  return <CampaignForm appId={appId} />;
}

/** A draft campaign, edited. */
export function EditCampaignPage() {
  const { id = "" } = useParams();
  const { t } = useSectionI18n(campaignsDictionary);
  const campaign = useCampaign(id);
  if (campaign.isError) return <Alert type="error" showIcon message={campaignError(t, campaign.error)} />;
  if (!campaign.data) return <Spin />;
  return <CampaignForm appId={campaign.data.appId} campaign={campaign.data} />;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
    >
      {children}
    </Card>
  );
}

/**
 * The campaign's four parts in order — channel, audience, content, schedule — saved as a
 * draft; the campaign's page then runs the pre-flight checks and sends it.
 */
function CampaignForm({ appId, campaign }: { appId: string; campaign?: Campaign }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateCampaign(appId);
  const update = useUpdateCampaign(campaign?.id ?? "");
  const save = campaign ? update : create;
  const channel = Form.useWatch("channel", form) ?? campaign?.channel ?? "template";
  const when = Form.useWatch("when", form);
  const templates = useCampaignTemplates(appId, channel === "template" || channel === "subscribe");
  const [unplaced, setUnplaced] = useState<string[]>([]);

  const onChannel = () => {
    // An audience the new channel cannot reach gives way to its first.
    const kind = form.getFieldValue("audienceKind");
    const allowed = AUDIENCES[form.getFieldValue("channel") as FormValues["channel"]];
    if (!allowed.includes(kind)) form.setFieldValue("audienceKind", allowed[0]);
  };

  const onRefused = (error: unknown) => {
    const problems = error instanceof ApiError ? problemsOf(error.details) : [];
    const rest: string[] = [];
    const fields: { name: FieldName; errors: string[] }[] = [];
    for (const problem of problems) {
      const reason =
        campaignText(
          t,
          "campr.problem.",
          problem.reason,
          problem.limit === undefined ? {} : { limit: problem.limit },
        ) ?? problem.reason;
      const name = formFieldOf(problem.field, channel);
      if (name) fields.push({ name, errors: [reason] });
      else rest.push(t("camp.problemAt", { field: problem.field, reason }));
    }
    form.setFields(fields);
    setUnplaced(rest);
    void message.error(campaignError(t, error));
  };

  const onFinish = (values: FormValues) => {
    const fields = templates.data?.find((tpl) => tpl.templateId === values.templateId)?.fields ?? [];
    setUnplaced([]);
    save.mutate(inputOf(values, fields), {
      onSuccess: (saved) => {
        void message.success(t("camp.saved"));
        navigate(`/campaigns/${encodeURIComponent(saved.id)}`);
      },
      onError: onRefused,
    });
  };

  const back = campaign
    ? `/campaigns/${encodeURIComponent(campaign.id)}`
    : `/accounts/${encodeURIComponent(appId)}/campaigns`;
  return (
    <Flex vertical gap={16}>
      <Link to={back}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("camp.backToList")}
        </Button>
      </Link>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {campaign ? t("camp.editTitle") : t("camp.newTitle")} · {appId}
      </Typography.Title>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={campaign ? valuesOf(campaign) : emptyValues()}
        onFinish={onFinish}
        scrollToFirstError
      >
        <Flex vertical gap={16}>
          <Section title={t("camp.step.channel")}>
            <Form.Item
              name="name"
              label={t("camp.name")}
              rules={[{ required: true, whitespace: true, message: t("camp.required") }]}
            >
              <Input style={{ maxWidth: 480 }} maxLength={64} />
            </Form.Item>
            <Form.Item name="channel" label={t("camp.channel")}>
              <Radio.Group
                onChange={onChannel}
                options={CHANNELS.map((c) => ({ value: c, label: t(`camp.channel.${c}`) }))}
              />
            </Form.Item>
          </Section>
          <Section title={t("camp.step.audience")}>
            <AudienceFields appId={appId} form={form} />
          </Section>
          <Section title={t("camp.step.content")}>
            <ContentFields appId={appId} form={form} />
          </Section>
          <Section title={t("camp.step.schedule")}>
            <Form.Item name="when" label={t("camp.schedule")}>
              <Radio.Group
                options={[
                  { value: "now", label: t("camp.sendNow") },
                  { value: "later", label: t("camp.sendLater") },
                ]}
              />
            </Form.Item>
            {when === "later" && (
              <Form.Item
                name="scheduledAt"
                label={`${t("camp.scheduledAt")} (${zoneLabel()})`}
                rules={[{ required: true, message: t("camp.scheduledAtRequired") }]}
              >
                <DatePicker
                  showTime
                  format={PICKER_FORMAT}
                  disabledDate={(day) => day.endOf("day").valueOf() < Date.now()}
                  style={{ width: "100%", maxWidth: 260 }}
                />
              </Form.Item>
            )}
          </Section>
          {unplaced.length > 0 && <Alert type="error" showIcon message={unplaced.join(" ")} />}
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t("camp.save")}
            </Button>
          </Flex>
        </Flex>
      </Form>
    </Flex>
  );
}
