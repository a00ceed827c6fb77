import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Flex, Form, Input, Modal, Popconfirm, Tag, Typography } from "antd";
import { useState } from "react";
import { type FollowerTag, useDeleteTag, useFollowerTags, useSaveTag } from "../../../../api/followers.js";
import { followersDictionary, followersError } from "../../../../i18n/followers.js";
import { useSectionI18n } from "../../../../i18n/index.js";

const bytesOf = (text: string) => new TextEncoder().encode(text).length;

/** The account's tags: WeChat's own (read-only) and its own (create, rename, delete). */
export function FollowerTagsCard({ appId, canManage }: { appId: string; canManage: boolean }) {
  const { t } = useSectionI18n(followersDictionary);
  const { message } = App.useApp();
  const tags = useFollowerTags(appId);
  const save = useSaveTag();
  const remove = useDeleteTag();
  const [editing, setEditing] = useState<{ tag?: FollowerTag } | undefined>(undefined);
  const [name, setName] = useState("");
  const open = (tag?: FollowerTag) => {
    setName(tag?.name ?? "");
    setEditing(tag ? { tag } : {});
  };
  const bytes = bytesOf(name);
  const onSave = () =>
    save.mutate(
      { appId, name, ...(editing?.tag ? { id: editing.tag.id } : {}) },
      {
        onSuccess: () => {
          setEditing(undefined);
          void message.success(t("tags.saved"));
        },
        onError: (error) => void message.error(followersError(t, error)),
      },
    );
  return (
    <Card
      size="small"
      title={<h2 className="wx-card-title">{t("tags.title")}</h2>}
      extra={
        canManage && (
          <Button icon={<PlusOutlined />} onClick={() => open()} data-testid="tag-create">
            {t("tags.create")}
          </Button>
        )
      }
    >
      {tags.isError && <Typography.Text type="danger">{followersError(t, tags.error)}</Typography.Text>}
      <Flex wrap gap={8} data-testid="tag-list">
        {(tags.data ?? []).map((tag) => (
          <Tag key={tag.id} className={tag.system ? "wx-tag-grey" : undefined}>
            <span>
              {tag.name} · {t("tags.count", { count: tag.count })}
              {tag.system && ` · ${t("tags.system")}`}
            </span>
            {canManage && !tag.system && (
              <>
                {" "}
                <Button type="link" size="small" onClick={() => open(tag)}>
                  {t("tags.rename")}
                </Button>
                <Popconfirm
                  title={t("tags.deleteConfirm", { name: tag.name })}
                  onConfirm={() =>
                    remove.mutate(
                      { appId, id: tag.id },
                      {
                        onSuccess: () => void message.success(t("tags.deleted")),
                        onError: (error) => void message.error(followersError(t, error)),
                      },
                    )
                  }
                >
                  <Button type="link" size="small" danger>
                    {t("tags.delete")}
                  </Button>
                </Popconfirm>
              </>
            )}
          </Tag>
        ))}
      </Flex>
      <Modal
        open={editing !== undefined}
        title={editing?.tag ? `${t("tags.rename")} · ${editing.tag.name}` : t("tags.create")}
        onCancel={() => setEditing(undefined)}
        onOk={onSave}
        okButtonProps={{ disabled: name.trim() === "" || bytes > 30, loading: save.isPending }}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item
            label={t("tags.name")}
            extra={t("tags.nameHint")}
            validateStatus={bytes > 30 ? "error" : undefined}
            help={t("tags.bytes", { bytes })}
          >
            <Input
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-label={t("tags.name")}
              autoFocus
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
