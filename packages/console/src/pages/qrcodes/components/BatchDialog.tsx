import { Alert, Button, Flex, Input, Modal, Progress, Table, Tag } from "antd";
import { useState } from "react";
import { type QrBatchItem, useCreateChannels, useQrBatch } from "../../../api/qrcodes.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { qrcodesDictionary, qrReason } from "../../../i18n/qrcodes.js";
import { qrErrorMessage } from "../errors.js";

const BATCH_MAX = 100;

/** "name" or "name,scene" a line; blank lines skipped. */
function channelsOf(text: string): { name: string; scene?: string }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const comma = line.search(/[,，]/);
      if (comma < 0) return { name: line };
      const scene = line.slice(comma + 1).trim();
      return { name: line.slice(0, comma).trim(), ...(scene ? { scene } : {}) };
    });
}

/** Creates up to 100 channel codes at once, shows the job's progress and lists each one's outcome. */
export function BatchDialog({ appId, open, onClose }: { appId: string; open: boolean; onClose: () => void }) {
  const { t } = useSectionI18n(qrcodesDictionary);
  const batch = useCreateChannels();
  const [text, setText] = useState("");
  const channels = channelsOf(text);
  const problem =
    channels.length > BATCH_MAX
      ? t("qr.batchTooMany", { count: channels.length })
      : channels.length === 0
        ? t("qr.batchEmpty")
        : undefined;
  // The batch as its job makes it: polled until done.
  const polled = useQrBatch(appId, batch.data?.id);
  const result = polled.data ?? batch.data;
  const running = result?.status === "running";

  const close = () => {
    batch.reset();
    setText("");
    onClose();
  };

  return (
    <Modal
      title={t("qr.batch")}
      open={open}
      onCancel={close}
      width={720}
      destroyOnHidden
      footer={
        result ? (
          <Button type="primary" onClick={close} disabled={running}>
            {t("actions.confirm")}
          </Button>
        ) : (
          <Flex gap={8} justify="end">
            <Button onClick={close}>{t("actions.cancel")}</Button>
            <Button
              type="primary"
              disabled={problem !== undefined}
              loading={batch.isPending}
              onClick={() => batch.mutate({ appId, channels })}
            >
              {t("qr.batch")}
            </Button>
          </Flex>
        )
      }
    >
      {!result && (
        <Flex vertical gap={8}>
          <p className="wx-muted" style={{ margin: 0 }}>
            {t("qr.batchHint")}
          </p>
          <Input.TextArea
            aria-label={t("qr.batchLines")}
            rows={10}
            value={text}
            disabled={batch.isPending}
            onChange={(event) => setText(event.target.value)}
          />
          {text.trim() !== "" && problem && <Alert type="warning" showIcon message={problem} />}
          {batch.isPending && <Progress percent={0} status="active" showInfo={false} />}
          {batch.error && <Alert type="error" showIcon message={qrErrorMessage(t, batch.error)} />}
        </Flex>
      )}
      {result && (
        <Flex vertical gap={8}>
          <Flex vertical gap={4} role="status">
            {running ? (
              <span>{t("qr.batchRunning", { done: result.done, total: result.total })}</span>
            ) : (
              <Alert
                type={result.failed === 0 ? "success" : "warning"}
                showIcon
                message={t("qr.batchDone", { created: result.created, failed: result.failed })}
              />
            )}
            <Progress
              percent={Math.round((result.done / Math.max(1, result.total)) * 100)}
              status={running ? "active" : result.failed === 0 ? "success" : "normal"}
            />
          </Flex>
          <Table<QrBatchItem>
            aria-label={t("qr.result")}
            rowKey="index"
            size="small"
            dataSource={result.items}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: "max-content" }}
            columns={[
              { title: "#", dataIndex: "index", render: (index: number) => index + 1, width: 56 },
              { title: t("qr.name"), dataIndex: "name" },
              { title: t("qr.scene"), dataIndex: "scene", render: (scene: string) => <code>{scene}</code> },
              {
                title: t("qr.result"),
                key: "result",
                render: (_, item) =>
                  item.status === "pending" ? (
                    <Tag>{t("qr.batchPending")}</Tag>
                  ) : item.status === "created" ? (
                    <Tag color="success">{t("qr.batchOk")}</Tag>
                  ) : (
                    <Tag color="error">
                      {qrReason(t, item.reason, {
                        // Batch items carry no limit: WeChat's, as the server checks them.
                        limit:
                          item.reason === "permanent_limit" || item.reason === "daily_limit" ? 100_000 : 64,
                        ...(item.errcode === null ? {} : { errcode: item.errcode }),
                      }) ?? item.message}
                    </Tag>
                  ),
              },
            ]}
          />
        </Flex>
      )}
    </Modal>
  );
}
