import { Alert, App, Form, Input, Modal, Select } from "antd";
import { useState } from "react";
import { type NewsArticle, useAddNews, useMaterials } from "../../api/materials.js";
import { useSectionI18n } from "../../i18n/index.js";
import { materialsDictionary, sectionErrorMessage } from "../../i18n/materials.js";

/** Writes a one-article news item; the cover is picked among the permanent images and thumbs. */
export function NewsDialog({ appId, onClose }: { appId: string; onClose(): void }) {
  const { t } = useSectionI18n(materialsDictionary);
  const { message } = App.useApp();
  const images = useMaterials(appId, { type: "", kind: "permanent", after: undefined });
  const add = useAddNews(appId);
  const [form] = Form.useForm<Partial<NewsArticle>>();
  const [error, setError] = useState<string | undefined>();
  const covers = (images.data?.items ?? []).filter((i) => i.type === "image" || i.type === "thumb");

  const submit = async () => {
    const values = await form.validateFields();
    setError(undefined);
    add.mutate([{ ...values, show_cover_pic: 1 }], {
      onSuccess: (item) => {
        void message.success(t("mat.newsAdded", { name: item.name }));
        onClose();
      },
      onError: (e) => setError(sectionErrorMessage(t, materialsDictionary["zh-CN"], e)),
    });
  };

  const required = [{ required: true, message: t("mat.required") }];
  return (
    <Modal
      open
      title={t("mat.addNews")}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t("actions.confirm")}
      cancelText={t("actions.cancel")}
      okButtonProps={{ loading: add.isPending }}
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="title" label={t("mat.newsTitle")} rules={required}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="thumb_media_id" label={t("mat.newsThumb")} rules={required}>
          <Select
            loading={images.isLoading}
            options={covers.map((c) => ({ value: c.mediaId, label: c.name || c.mediaId }))}
          />
        </Form.Item>
        <Form.Item name="author" label={t("mat.newsAuthor")}>
          <Input maxLength={8} />
        </Form.Item>
        <Form.Item name="digest" label={t("mat.newsDigest")}>
          <Input.TextArea maxLength={120} />
        </Form.Item>
        <Form.Item name="content" label={t("mat.newsContent")} rules={required}>
          <Input.TextArea rows={5} />
        </Form.Item>
        <Form.Item name="content_source_url" label={t("mat.newsSource")}>
          <Input type="url" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" />}
      </Form>
    </Modal>
  );
}
