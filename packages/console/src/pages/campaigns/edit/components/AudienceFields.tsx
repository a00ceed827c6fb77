import { UploadOutlined } from "@ant-design/icons";
import { Alert, Button, Form, type FormInstance, Radio, Select, Table, Typography } from "antd";
import { useRef, useState } from "react";
import { useAccount } from "../../../../api/accounts.js";
import { type UploadedList, useSubscribersCount, useUploadList } from "../../../../api/campaigns.js";
import { useFollowerTags } from "../../../../api/followers.js";
import { campaignsDictionary, campaignText } from "../../../../i18n/campaigns.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { campaignError } from "../../shared.js";
import { AUDIENCES, type FormValues, mustChoose } from "../form.js";

/** Who receives the campaign: the kinds the channel can reach, a tag, or an uploaded list. */
export function AudienceFields({ appId, form }: { appId: string; form: FormInstance<FormValues> }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const channel = Form.useWatch("channel", form) ?? "template";
  const kind = Form.useWatch("audienceKind", form);
  const tags = useFollowerTags(appId);
  return (
    <>
      <Form.Item name="audienceKind" label={t("camp.audience")}>
        <Radio.Group
          options={AUDIENCES[channel].map((k) => ({ value: k, label: t(`camp.audience.${k}`) }))}
        />
      </Form.Item>
      {kind === "tag" && (
        <Form.Item name="tagId" label={t("camp.tag")} rules={[mustChoose(t("camp.required"))]}>
          <Select
            loading={tags.isPending}
            style={{ maxWidth: 360 }}
            options={(tags.data ?? []).map((tag) => ({
              value: tag.id,
              label: t("camp.tagCount", { name: tag.name, count: tag.count }),
            }))}
          />
        </Form.Item>
      )}
      {kind === "list" && <ListUpload appId={appId} />}
      {kind === "subscribers" && <SubscribersCount appId={appId} form={form} />}
      {channel === "mass" && (kind === "list" || kind === "active48h") && (
        <Alert
          type="info"
          showIcon
          style={{ maxWidth: 640, marginBottom: 16 }}
          message={t("camp.audience.massByOpenIds", { max: "10,000", limit: 4 })}
        />
      )}
    </>
  );
}

/** How many users hold consent to the campaign's template now: the audience the campaign would reach. */
function SubscribersCount({ appId, form }: { appId: string; form: FormInstance<FormValues> }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const templateId: string | undefined = Form.useWatch("templateId", form);
  const count = useSubscribersCount(appId, templateId);
  if (!templateId) {
    return (
      <Alert
        type="info"
        showIcon
        style={{ maxWidth: 640, marginBottom: 16 }}
        message={t("camp.audience.subscribersPickTemplate")}
      />
    );
  }
  if (count.isError) {
    return (
      <Alert
        type="error"
        showIcon
        style={{ maxWidth: 640, marginBottom: 16 }}
        message={campaignError(t, count.error)}
      />
    );
  }
  if (count.data === undefined) return null;
  return (
    <Alert
      role="status"
      type={count.data === 0 ? "warning" : "info"}
      showIcon
      style={{ maxWidth: 640, marginBottom: 16 }}
      message={
        count.data === 0
          ? t("camp.audience.subscribersNone")
          : t("camp.audience.subscribersCount", { count: count.data })
      }
    />
  );
}

/**
 * A CSV of the customer's own ids, uploaded and resolved by the server; the rows it could not
 * match are listed, since they will not be sent to. The list's id is the field's value.
 */
function ListUpload({ appId }: { appId: string }) {
  const { t } = useSectionI18n(campaignsDictionary);
  const property = useAccount(appId).data?.openIdMapping;
  return (
    <Form.Item
      name="listId"
      label={t("camp.listFile")}
      extra={property ? t("camp.listHintOf", { property }) : t("camp.listHint")}
      rules={[mustChoose(t("camp.listRequired"))]}
    >
      <ListUploadControl appId={appId} />
    </Form.Item>
  );
}

/** What the form item hands its control: the value, its change, and the ARIA it describes. */
interface ControlProps {
  appId: string;
  value?: string | undefined;
  onChange?: (listId: string) => void;
  id?: string;
  "aria-describedby"?: string;
  "aria-invalid"?: "true";
}

/**
 * The upload as a form control: it reports the uploaded list's id as its value (a change the
 * form makes itself, which clears a refusal shown before), and its button takes the form
 * item's label, description and invalid state.
 */
function ListUploadControl({ appId, onChange, id, ...aria }: ControlProps) {
  const { t } = useSectionI18n(campaignsDictionary);
  const upload = useUploadList(appId);
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<(UploadedList & { name: string }) | undefined>();
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const csv = await file.text();
    upload.mutate(
      { name: file.name, csv },
      {
        onSuccess: (list) => {
          setResult({ ...list, name: file.name });
          onChange?.(list.listId);
        },
      },
    );
  };
  return (
    <div>
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        aria-label={t("camp.listChoose")}
        style={{ display: "none" }}
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      <Button
        id={id}
        aria-describedby={aria["aria-describedby"]}
        aria-invalid={aria["aria-invalid"]}
        icon={<UploadOutlined />}
        loading={upload.isPending}
        onClick={() => input.current?.click()}
      >
        {t("camp.listChoose")}
      </Button>
      {upload.isError && (
        <Alert style={{ marginTop: 8 }} type="error" showIcon message={campaignError(t, upload.error)} />
      )}
      {result && (
        <>
          <Typography.Paragraph role="status" style={{ margin: "8px 0" }}>
            {t("camp.listResult", {
              name: result.name,
              rows: result.rows,
              resolved: result.resolved,
              unknown: result.unknown.length,
            })}
          </Typography.Paragraph>
          {result.unknown.length > 0 && (
            <Table
              size="small"
              rowKey="row"
              aria-label={t("camp.listUnknown")}
              title={() => t("camp.listUnknown")}
              dataSource={result.unknown}
              pagination={result.unknown.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
              scroll={{ x: true }}
              columns={[
                { title: t("camp.row"), dataIndex: "row", key: "row", width: 70 },
                { title: t("camp.customerId"), dataIndex: "id", key: "id" },
                {
                  title: t("camp.reason"),
                  key: "reason",
                  render: (_, u) => campaignText(t, "campr.list.", u.reason) ?? u.reason,
                },
              ]}
            />
          )}
        </>
      )}
    </div>
  );
}
