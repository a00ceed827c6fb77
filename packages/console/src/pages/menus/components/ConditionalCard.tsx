import { App, Button, Card, Flex, Form, Input, List, Popconfirm, Select, Typography } from "antd";
import { useState } from "react";
import { errorMessage } from "../../../api/errors.js";
import {
  type EditableMenu,
  useAddConditionalMenu,
  useDeleteConditionalMenu,
  useLiveMenus,
} from "../../../api/menus.js";
import { type MenusTranslate, menusKey } from "../../../i18n/menus.js";

interface Props {
  t: MenusTranslate;
  appId: string;
  editable: boolean;
  /** The menu being edited, published to the users the rule matches. */
  menu: EditableMenu;
  /** Whether the edited menu passes WeChat's rules. */
  valid: boolean;
  /** A refusal: the page shows a broken rule at its button, anything else as a message. */
  onRefused(error: unknown): void;
}

/**
 * The conditional menus WeChat holds (read with the live menu), and the edited menu published
 * as one for a user tag or a client platform (WeChat knows no other rule now).
 */
export function ConditionalCard({ t, appId, editable, menu, valid, onRefused }: Props) {
  const { message } = App.useApp();
  const live = useLiveMenus(appId, true);
  const add = useAddConditionalMenu(appId);
  const remove = useDeleteConditionalMenu(appId);
  const [tagId, setTagId] = useState("");
  const [platform, setPlatform] = useState("");
  const platformLabel = (value: string | undefined) => {
    const key = menusKey(`menus.platform.${value ?? "any"}`);
    return key ? t(key) : (value ?? "");
  };

  const onAdd = () => {
    const matchrule = {
      ...(tagId.trim() ? { tag_id: tagId.trim() } : {}),
      ...(platform ? { client_platform_type: platform } : {}),
    };
    add.mutate(
      { ...menu, matchrule },
      {
        onSuccess: (answer) =>
          void message.success(t("menus.conditionalAdded", { menuId: answer.menuId ?? "" })),
        onError: onRefused,
      },
    );
  };

  return (
    <Card title={t("menus.conditional")} data-testid="menu-conditional">
      <Typography.Paragraph type="secondary">{t("menus.conditionalIntro")}</Typography.Paragraph>
      <List
        size="small"
        dataSource={live.data?.conditional ?? []}
        locale={{
          emptyText: <Typography.Text type="secondary">{t("menus.conditionalNone")}</Typography.Text>,
        }}
        rowKey="menuId"
        renderItem={(item) => (
          <List.Item
            actions={
              editable
                ? [
                    <Popconfirm
                      key="delete"
                      title={t("menus.deleteConditionalConfirm")}
                      onConfirm={() =>
                        remove.mutateAsync(item.menuId).then(
                          () => void message.success(t("menus.conditionalDeleted")),
                          (error: unknown) => void message.error(errorMessage(t, error)),
                        )
                      }
                    >
                      <Button size="small" danger>
                        {t("menus.deleteConditional")}
                      </Button>
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={item.button.map((b) => b.name).join(" · ")}
              description={`menuid ${item.menuId} · ${t("menus.rule", {
                tag: item.matchrule["tag_id"] ?? "—",
                platform: platformLabel(item.matchrule["client_platform_type"]),
              })}`}
            />
          </List.Item>
        )}
      />
      {editable && (
        <Form layout="vertical" style={{ marginTop: 16 }}>
          <Flex gap={12} wrap align="end">
            <Form.Item label={t("menus.tagId")} style={{ marginBottom: 0 }}>
              <Input
                aria-label={t("menus.tagId")}
                value={tagId}
                inputMode="numeric"
                onChange={(event) => setTagId(event.target.value)}
                style={{ width: 140 }}
              />
            </Form.Item>
            <Form.Item label={t("menus.platform")} style={{ marginBottom: 0 }}>
              <Select
                aria-label={t("menus.platform")}
                value={platform}
                onChange={setPlatform}
                style={{ width: 140 }}
                options={["", "1", "2", "3"].map((value) => ({
                  value,
                  label: platformLabel(value || undefined),
                }))}
              />
            </Form.Item>
            <Button onClick={onAdd} loading={add.isPending} disabled={!valid}>
              {t("menus.addConditional")}
            </Button>
          </Flex>
        </Form>
      )}
    </Card>
  );
}
