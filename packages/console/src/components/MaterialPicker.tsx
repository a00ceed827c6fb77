import { AudioOutlined, FileTextOutlined, FolderOpenOutlined, VideoCameraOutlined } from "@ant-design/icons";
import { Alert, Button, Empty, Flex, Input, List, Modal, Spin, Tag, Typography } from "antd";
import { type ReactNode, useMemo, useState } from "react";
import { errorMessage } from "../api/errors.js";
import {
  contentUrl,
  type ItemType,
  type MaterialItem,
  type MaterialKind,
  useMaterialChoices,
} from "../api/materials.js";
import { useSectionI18n } from "../i18n/index.js";
import { materialsDictionary } from "../i18n/materials.js";
import { formatTime } from "../lib/time.js";

const ICONS: Partial<Record<ItemType, ReactNode>> = {
  voice: <AudioOutlined />,
  video: <VideoCameraOutlined />,
  news: <FileTextOutlined />,
};

/** What a material looks like in the list: its image when it has one, an icon otherwise. */
function Preview({ appId, item }: { appId: string; item: MaterialItem }) {
  if (item.type === "image" || item.type === "thumb")
    return (
      <img
        src={contentUrl(appId, item.mediaId)}
        alt=""
        width={48}
        height={48}
        loading="lazy"
        style={{ objectFit: "cover", borderRadius: 4 }}
      />
    );
  return (
    <Flex align="center" justify="center" style={{ width: 48, height: 48, fontSize: 22 }} aria-hidden>
      {ICONS[item.type]}
    </Flex>
  );
}

const nameOf = (item: MaterialItem) => item.name || item.articles?.[0]?.title || "";

/**
 * A button that opens the account's media and materials of one type (newest first, "load
 * more" through the list's keyset) and hands back the one chosen. The list route has no search,
 * so the filter narrows what is loaded. Screens load it lazily: it is only needed once a field
 * takes a media.
 */
export function MaterialPicker({
  appId,
  type,
  kind,
  onPick,
}: {
  appId: string;
  type: ItemType;
  /** Only this storage (a permanent image has a WeChat address; a temporary one has none). */
  kind?: MaterialKind;
  onPick(item: MaterialItem): void;
}) {
  const { t } = useSectionI18n(materialsDictionary);
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const choices = useMaterialChoices(appId, type, kind, open);
  const items = useMemo(() => {
    const all = choices.data?.pages.flatMap((p) => p.items) ?? [];
    const needle = filter.trim().toLowerCase();
    return needle ? all.filter((i) => nameOf(i).toLowerCase().includes(needle)) : all;
  }, [choices.data, filter]);

  return (
    <>
      <Button icon={<FolderOpenOutlined />} onClick={() => setOpen(true)}>
        {t("pick.open")}
      </Button>
      <Modal
        open={open}
        title={t("pick.title", { type: t(`mat.type.${type}`) })}
        onCancel={() => setOpen(false)}
        footer={null}
        destroyOnHidden
      >
        <Flex vertical gap={12}>
          <Input.Search
            allowClear
            aria-label={t("pick.filter")}
            placeholder={t("pick.filter")}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {choices.isError && <Alert type="error" showIcon message={errorMessage(t, choices.error)} />}
          {choices.isPending && !choices.isError ? (
            <Spin />
          ) : items.length === 0 && !choices.isError ? (
            <Empty description={t("pick.empty")} />
          ) : (
            <List<MaterialItem>
              dataSource={items}
              rowKey="mediaId"
              style={{ maxHeight: 420, overflowY: "auto" }}
              renderItem={(item) => (
                <List.Item
                  actions={[
                    <Button
                      key="use"
                      size="small"
                      type="primary"
                      aria-label={t("pick.choose", { name: nameOf(item) || item.mediaId })}
                      onClick={() => {
                        onPick(item);
                        setOpen(false);
                      }}
                    >
                      {t("actions.confirm")}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    avatar={<Preview appId={appId} item={item} />}
                    title={nameOf(item) || t("pick.unnamed")}
                    description={
                      <Flex vertical>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {item.mediaId.length > 24 ? `${item.mediaId.slice(0, 24)}…` : item.mediaId}
                        </Typography.Text>
                        <span>
                          <Tag>
                            {item.expiresAt === null
                              ? t("pick.permanent")
                              : t("pick.expires", { date: formatTime(item.expiresAt) })}
                          </Tag>
                        </span>
                      </Flex>
                    }
                  />
                </List.Item>
              )}
            />
          )}
          {choices.hasNextPage && (
            <Button loading={choices.isFetchingNextPage} onClick={() => void choices.fetchNextPage()}>
              {t("pick.more")}
            </Button>
          )}
        </Flex>
      </Modal>
    </>
  );
}
