import { Alert, App, Form, Input, Modal, Progress, Radio, Select, Typography } from "antd";
import { useState } from "react";
import {
  type MaterialKind,
  type MediaType,
  useMaterialLimits,
  useUploadMaterial,
} from "../../api/materials.js";
import { useSectionI18n } from "../../i18n/index.js";
import { formatBytes, materialsDictionary, sectionErrorMessage } from "../../i18n/materials.js";

const TYPES: MediaType[] = ["image", "voice", "video", "thumb"];

/** Picks storage, type and file, shows WeChat's limits for them and the upload's progress. */
export function UploadDialog({ appId, onClose }: { appId: string; onClose(): void }) {
  const { t } = useSectionI18n(materialsDictionary);
  const { message } = App.useApp();
  const limits = useMaterialLimits(appId);
  const send = useUploadMaterial(appId);
  const [kind, setKind] = useState<MaterialKind>("temporary");
  const [type, setType] = useState<MediaType>("image");
  const [file, setFile] = useState<File | undefined>();
  const [title, setTitle] = useState("");
  const [introduction, setIntroduction] = useState("");
  const [progress, setProgress] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const limit = limits.data?.[kind][type];
  const needsTitle = kind === "permanent" && type === "video";

  const submit = () => {
    if (!file) return;
    setError(undefined);
    setProgress(0);
    send.mutate(
      {
        kind,
        type,
        file,
        fields: needsTitle ? { title, introduction } : {},
        onProgress: (fraction) => setProgress(Math.round(fraction * 100)),
      },
      {
        onSuccess: (item) => {
          void message.success(t("mat.uploaded", { name: item.name }));
          onClose();
        },
        onError: (e) => {
          setProgress(undefined);
          setError(sectionErrorMessage(t, materialsDictionary["zh-CN"], e));
        },
      },
    );
  };

  return (
    <Modal
      open
      title={t("mat.uploadTitle")}
      onCancel={onClose}
      onOk={submit}
      okText={t("mat.upload")}
      cancelText={t("actions.cancel")}
      okButtonProps={{ disabled: !file || (needsTitle && title.trim() === ""), loading: send.isPending }}
    >
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label={t("mat.kind")}>
          <Radio.Group
            value={kind}
            onChange={(e) => setKind(e.target.value as MaterialKind)}
            options={[
              { value: "temporary", label: t("mat.kind.temporary") },
              { value: "permanent", label: t("mat.kind.permanent") },
            ]}
          />
        </Form.Item>
        <Form.Item label={t("mat.type")} htmlFor="mat-type">
          <Select<MediaType>
            id="mat-type"
            value={type}
            onChange={setType}
            options={TYPES.map((value) => ({ value, label: t(`mat.type.${value}`) }))}
          />
        </Form.Item>
        <Form.Item
          label={t("mat.file")}
          htmlFor="mat-file"
          extra={
            limit &&
            (limit.maxSeconds
              ? t("mat.acceptsVoice", {
                  extensions: limit.extensions.join(", "),
                  size: formatBytes(limit.maxBytes),
                  seconds: limit.maxSeconds,
                })
              : t("mat.accepts", {
                  extensions: limit.extensions.join(", "),
                  size: formatBytes(limit.maxBytes),
                }))
          }
        >
          <input
            id="mat-file"
            type="file"
            accept={limit?.extensions.map((e) => `.${e}`).join(",")}
            onChange={(e) => setFile(e.target.files?.[0])}
          />
        </Form.Item>
        {needsTitle && (
          <>
            <Form.Item label={t("mat.videoTitle")} htmlFor="mat-video-title" required>
              <Input
                id="mat-video-title"
                maxLength={64}
                value={title}
                onChange={(e) => setTitle(e.target.value)}
              />
            </Form.Item>
            <Form.Item label={t("mat.videoIntro")} htmlFor="mat-video-intro">
              <Input.TextArea
                id="mat-video-intro"
                value={introduction}
                onChange={(e) => setIntroduction(e.target.value)}
              />
            </Form.Item>
          </>
        )}
        {progress !== undefined && (
          <>
            <Typography.Text>{t("mat.uploading", { percent: progress })}</Typography.Text>
            <Progress percent={progress} aria-label={t("mat.uploading", { percent: progress })} />
          </>
        )}
        {error && <Alert type="error" showIcon message={error} role="alert" />}
      </Form>
    </Modal>
  );
}
