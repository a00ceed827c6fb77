import { DownloadOutlined, PlusOutlined, UnorderedListOutlined } from "@ant-design/icons";
import { Alert, App, Button, Flex, Form, Input, Modal, Table } from "antd";
import { useState } from "react";
import { imageHref, type QrCode, useCreateChannel, useQrCodes } from "../../../api/qrcodes.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { qrcodesDictionary } from "../../../i18n/qrcodes.js";
import { formatTime } from "../../../lib/time.js";
import { qrErrorMessage } from "../errors.js";
import { BatchDialog } from "./BatchDialog.js";

/** The account's channel codes with their all-time figures; create one or a batch. */
export function ChannelsTab({ appId, manage }: { appId: string; manage: boolean }) {
  const { t } = useSectionI18n(qrcodesDictionary);
  const { message } = App.useApp();
  const codes = useQrCodes(appId, "channel");
  const create = useCreateChannel();
  const [creating, setCreating] = useState(false);
  const [batching, setBatching] = useState(false);
  const [form] = Form.useForm<{ name: string; scene?: string }>();

  const submit = async () => {
    const values = await form.validateFields();
    const scene = values.scene?.trim();
    create.mutate(
      { appId, name: values.name, ...(scene ? { scene } : {}) },
      {
        onSuccess: (code) => {
          setCreating(false);
          form.resetFields();
          void message.success(t("qr.created", { name: code.name ?? code.scene }));
        },
        onError: (error) => void message.error(qrErrorMessage(t, error)),
      },
    );
  };

  return (
    <Flex vertical gap={12}>
      {manage && (
        <Flex gap={8} wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("qr.create")}
          </Button>
          <Button icon={<UnorderedListOutlined />} onClick={() => setBatching(true)}>
            {t("qr.batch")}
          </Button>
        </Flex>
      )}
      {codes.error && <Alert type="error" showIcon message={qrErrorMessage(t, codes.error)} />}
      <Table<QrCode>
        aria-label={t("qr.list")}
        rowKey="id"
        size="middle"
        loading={codes.isPending}
        dataSource={codes.data?.items ?? []}
        locale={{ emptyText: t("qr.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 760 }}
        columns={[
          { title: t("qr.name"), dataIndex: "name", render: (name: string | null) => name ?? "—" },
          { title: t("qr.scene"), dataIndex: "scene", render: (scene: string) => <code>{scene}</code> },
          { title: t("qr.scans"), align: "right", render: (_, code) => code.totals?.scans ?? 0 },
          {
            title: t("qr.newFollowers"),
            align: "right",
            render: (_, code) => code.totals?.newFollowers ?? 0,
          },
          { title: t("qr.unfollows"), align: "right", render: (_, code) => code.totals?.unfollows ?? 0 },
          { title: t("qr.createdAt"), dataIndex: "createdAt", render: (at: number) => formatTime(at) },
          {
            title: "",
            key: "image",
            render: (_, code) => (
              <a
                href={imageHref(code)}
                download={`qrcode-${code.scene}.png`}
                aria-label={`${t("qr.download")} ${code.name ?? code.scene}`}
              >
                <DownloadOutlined /> {t("qr.download")}
              </a>
            ),
          },
        ]}
      />
      <Modal
        title={t("qr.create")}
        open={creating}
        onOk={() => void submit()}
        okText={t("actions.confirm")}
        cancelText={t("actions.cancel")}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="name" label={t("qr.name")} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input maxLength={64} showCount />
          </Form.Item>
          <Form.Item name="scene" label={t("qr.scene")} extra={t("qr.sceneHint")} rules={[{ max: 64 }]}>
            <Input maxLength={64} showCount />
          </Form.Item>
        </Form>
      </Modal>
      <BatchDialog appId={appId} open={batching} onClose={() => setBatching(false)} />
    </Flex>
  );
}
