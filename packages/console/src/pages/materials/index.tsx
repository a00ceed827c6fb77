import { ArrowLeftOutlined, PlusOutlined, SyncOutlined, UploadOutlined } from "@ant-design/icons";
import {
  App,
  Button,
  Card,
  Col,
  Flex,
  Image,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  contentUrl,
  type ListType,
  type MaterialItem,
  useDeleteMaterial,
  useMaterialCounts,
  useMaterials,
  useSyncMaterials,
} from "../../api/materials.js";
import { useSectionI18n } from "../../i18n/index.js";
import { formatBytes, materialsDictionary, sectionErrorMessage } from "../../i18n/materials.js";
import { formatTime } from "../../lib/time.js";
import { NewsDialog } from "./NewsDialog.js";
import { UploadDialog } from "./UploadDialog.js";

const LIST_TYPES: ListType[] = ["image", "voice", "video", "news"];

/** An account's media and materials: counts against WeChat's limits, uploads, news, the list. */
export function MaterialsPage() {
  const appId = useParams().appId ?? "";
  const { t } = useSectionI18n(materialsDictionary);
  const own = materialsDictionary["zh-CN"];
  const { message, modal } = App.useApp();
  const [type, setType] = useState("");
  const [kind, setKind] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const [writing, setWriting] = useState(false);
  const [syncType, setSyncType] = useState<ListType>("image");
  const list = useMaterials(appId, { type, kind, after: cursors.at(-1) });
  const counts = useMaterialCounts(appId);
  const sync = useSyncMaterials(appId);
  const remove = useDeleteMaterial(appId);
  const fail = (error: unknown) => void message.error(sectionErrorMessage(t, own, error));

  const onDelete = (item: MaterialItem) =>
    modal.confirm({
      title: t("mat.delete"),
      content: t("mat.deleteConfirm", { name: item.name || item.mediaId }),
      okButtonProps: { danger: true },
      okText: t("mat.delete"),
      cancelText: t("actions.cancel"),
      onOk: () =>
        remove
          .mutateAsync(item.mediaId)
          .then(() => void message.success(t("mat.deleted", { name: item.name || item.mediaId })))
          .catch(fail),
    });

  const columns: TableColumnsType<MaterialItem> = [
    {
      title: t("mat.preview"),
      key: "preview",
      width: 88,
      render: (_, item) =>
        item.type === "image" || item.type === "thumb" ? (
          <Image
            src={contentUrl(appId, item.mediaId)}
            alt={item.name}
            width={56}
            height={56}
            style={{ objectFit: "cover" }}
          />
        ) : (
          <Tag>{t(`mat.type.${item.type}`)}</Tag>
        ),
    },
    {
      title: t("mat.name"),
      key: "name",
      ellipsis: true,
      render: (_, item) => (
        <Flex vertical>
          <Typography.Text>{item.name || "—"}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} copyable={{ text: item.mediaId }}>
            {item.mediaId.slice(0, 16)}…
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t("mat.type"),
      key: "type",
      width: 150,
      render: (_, item) => (
        <Space size={4} wrap>
          <Tag>{t(`mat.type.${item.type}`)}</Tag>
          <Tag className={item.kind === "temporary" ? "wx-tag-orange" : "wx-tag-green"}>
            {t(`mat.kind.${item.kind}`)}
          </Tag>
        </Space>
      ),
    },
    {
      title: t("mat.size"),
      key: "size",
      width: 100,
      render: (_, item) => (item.size ? formatBytes(item.size) : "—"),
    },
    { title: t("mat.created"), key: "created", width: 190, render: (_, item) => formatTime(item.createdAt) },
    {
      title: t("mat.expires"),
      key: "expires",
      width: 190,
      render: (_, item) => (item.expiresAt === null ? t("mat.never") : formatTime(item.expiresAt)),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 90,
      render: (_, item) => (
        <Button size="small" danger onClick={() => onDelete(item)}>
          {t("mat.delete")}
        </Button>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("mat.back")}
        </Button>
      </Link>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t("mat.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("mat.intro")}
      </Typography.Paragraph>
      <Card title={t("mat.counts")} size="small">
        <Row gutter={[16, 16]}>
          {LIST_TYPES.map((listType) => (
            <Col xs={12} md={6} key={listType}>
              <Statistic
                title={t(`mat.type.${listType}`)}
                loading={counts.isLoading}
                value={counts.data?.[listType].count ?? 0}
                suffix={counts.data ? `/ ${counts.data[listType].limit.toLocaleString()}` : undefined}
              />
            </Col>
          ))}
        </Row>
      </Card>
      <Flex gap={8} wrap justify="space-between">
        <Space wrap>
          <Select<string>
            aria-label={t("mat.type")}
            value={type}
            style={{ width: 130 }}
            onChange={(value) => {
              setType(value);
              setCursors([]);
            }}
            options={[
              { value: "", label: t("mat.all") },
              ...(["image", "voice", "video", "thumb", "news"] as const).map((value) => ({
                value,
                label: t(`mat.type.${value}`),
              })),
            ]}
          />
          <Select<string>
            aria-label={t("mat.kind")}
            value={kind}
            style={{ width: 160 }}
            onChange={(value) => {
              setKind(value);
              setCursors([]);
            }}
            options={[
              { value: "", label: t("mat.all") },
              { value: "temporary", label: t("mat.kind.temporary") },
              { value: "permanent", label: t("mat.kind.permanent") },
            ]}
          />
        </Space>
        <Space wrap>
          <Select<ListType>
            aria-label={t("mat.sync")}
            value={syncType}
            onChange={setSyncType}
            style={{ width: 110 }}
            options={LIST_TYPES.map((value) => ({ value, label: t(`mat.type.${value}`) }))}
          />
          <Button
            icon={<SyncOutlined />}
            loading={sync.isPending}
            onClick={() =>
              sync.mutate(syncType, {
                onSuccess: (result) => void message.success(t("mat.synced", result)),
                onError: fail,
              })
            }
          >
            {t("mat.sync")}
          </Button>
          <Button icon={<PlusOutlined />} onClick={() => setWriting(true)}>
            {t("mat.addNews")}
          </Button>
          <Button type="primary" icon={<UploadOutlined />} onClick={() => setUploading(true)}>
            {t("mat.upload")}
          </Button>
        </Space>
      </Flex>
      <Table<MaterialItem>
        aria-label={t("mat.list")}
        rowKey="mediaId"
        size="small"
        tableLayout="fixed"
        scroll={{ x: 900 }}
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
      />
      <Flex gap={8} justify="flex-end">
        <Button size="small" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          {t("mat.first")}
        </Button>
        <Button
          size="small"
          disabled={!list.data?.next}
          onClick={() => list.data?.next && setCursors([...cursors, list.data.next])}
        >
          {t("mat.more")}
        </Button>
      </Flex>
      {uploading && <UploadDialog appId={appId} onClose={() => setUploading(false)} />}
      {writing && <NewsDialog appId={appId} onClose={() => setWriting(false)} />}
    </Flex>
  );
}
