import { Alert, App, Button, Empty, Flex, Form, Input, InputNumber, Spin, Tag, Tree } from "antd";
import type { DataNode } from "antd/es/tree";
import { useMemo } from "react";
import { type FissionNode, imageHref, useCreateFission, useFissionTree } from "../../../api/qrcodes.js";
import { useSectionI18n } from "../../../i18n/index.js";
import { type QrTranslate, qrcodesDictionary } from "../../../i18n/qrcodes.js";
import { formatTime } from "../../../lib/time.js";
import { qrErrorMessage } from "../errors.js";

/** The flat, depth-first nodes as a tree (a node's parent is the one before it at depth − 1). */
function treeOf(nodes: readonly FissionNode[], t: QrTranslate): DataNode[] {
  const roots: DataNode[] = [];
  const path: DataNode[] = [];
  nodes.forEach((node, index) => {
    const item: DataNode = {
      key: `${index}:${node.openId}`,
      title: (
        <span style={{ whiteSpace: "normal", overflowWrap: "anywhere" }}>
          <code>{node.openId}</code>{" "}
          <span className="wx-muted">
            {t("qr.fission.counts", {
              invited: node.invited,
              still: node.stillFollowing,
              descendants: node.descendants,
            })}
          </span>{" "}
          {node.unfollowed && <Tag>{t("qr.fission.unfollowed")}</Tag>}
        </span>
      ),
      children: [],
    };
    path.length = node.depth;
    const parent = path[node.depth - 1];
    if (parent) parent.children?.push(item);
    else roots.push(item);
    path[node.depth] = item;
  });
  return roots;
}

/** Fission: make an inviter's code; who brought whom, with the counts per inviter. */
export function FissionTab({ appId, manage }: { appId: string; manage: boolean }) {
  const { t } = useSectionI18n(qrcodesDictionary);
  const { message } = App.useApp();
  const tree = useFissionTree(appId);
  const create = useCreateFission();
  const [form] = Form.useForm<{ inviterOpenId: string; days: number }>();
  const data = useMemo(() => treeOf(tree.data?.nodes ?? [], t), [tree.data, t]);

  const submit = (values: { inviterOpenId: string; days: number }) =>
    create.mutate(
      { appId, inviterOpenId: values.inviterOpenId.trim(), expireSeconds: values.days * 86_400 },
      {
        onSuccess: (made) =>
          void message.success(
            t(made.created ? "qr.fission.created" : "qr.fission.reused", {
              time: formatTime(made.code.expiresAt),
            }),
          ),
        onError: (error) => void message.error(qrErrorMessage(t, error)),
      },
    );

  return (
    <Flex vertical gap={12}>
      {manage && (
        <Form form={form} layout="inline" initialValues={{ days: 30 }} onFinish={submit}>
          <Form.Item
            name="inviterOpenId"
            label={t("qr.fission.inviter")}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input style={{ width: "min(280px, 56vw)" }} />
          </Form.Item>
          <Form.Item name="days" label={t("qr.fission.days")} rules={[{ required: true }]}>
            <InputNumber min={1} max={30} precision={0} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t("qr.fission.create")}
          </Button>
          {create.data && (
            <a
              href={imageHref(create.data.code)}
              download={`fission-${create.data.code.scene}.png`}
              style={{ alignSelf: "center" }}
            >
              {t("qr.download")}
            </a>
          )}
        </Form>
      )}
      <h2 style={{ fontSize: 16, margin: 0 }}>{t("qr.fission.tree")}</h2>
      {tree.error && <Alert type="error" showIcon message={qrErrorMessage(t, tree.error)} />}
      {tree.isPending && <Spin />}
      {tree.data?.truncated && <Alert type="info" showIcon message={t("qr.fission.truncated")} />}
      {tree.data && tree.data.nodes.length === 0 && <Empty description={t("qr.fission.empty")} />}
      {tree.data && tree.data.nodes.length > 0 && (
        <>
          <span className="wx-muted">{t("qr.fission.total", { count: tree.data.invitations })}</span>
          <Tree
            aria-label={t("qr.fission.tree")}
            treeData={data}
            defaultExpandAll
            selectable={false}
            height={480}
          />
        </>
      )}
    </Flex>
  );
}
