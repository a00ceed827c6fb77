import { ArrowLeftOutlined } from "@ant-design/icons";
import { type Menu, menuRuleReason, type Violation, validateMenu } from "@wxgate/wechat/menus";
import { Alert, App, Button, Card, Col, Flex, Row, Spin, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { useAccount } from "../../api/accounts.js";
import { ApiError } from "../../api/client.js";
import { errorMessage } from "../../api/errors.js";
import {
  type EditableButton,
  type EditableMenu,
  useMenuDraft,
  usePublishMenu,
  useSaveMenuDraft,
} from "../../api/menus.js";
import { mayTake, useWhoami } from "../../api/session.js";
import { useSectionI18n } from "../../i18n/index.js";
import { type MenusTranslate, menusDictionary, menusKey } from "../../i18n/menus.js";
import { ButtonEditor, type ShownViolation } from "./components/ButtonEditor.js";
import { ClicksCard, HistoryCard, LiveCard } from "./components/Cards.js";
import { ConditionalCard } from "./components/ConditionalCard.js";
import { PhonePreview, type Selection } from "./components/PhonePreview.js";
import "./menus.css";

/** The sentence for a broken rule, from its reason word (the server's or the local check's). */
function ruleMessage(t: MenusTranslate, reason: string, path: string): string {
  const key = menusKey(`menusErr.${reason}`);
  return key ? t(key, { path }) : path;
}

function shown(t: MenusTranslate, violation: Violation): ShownViolation {
  return { path: violation.path, message: ruleMessage(t, menuRuleReason(violation), violation.path) };
}

/** The button a rule's path is on (`button[1].sub_button[2].name` → top 1, sub 2). */
function selectionOf(path: string): Selection | undefined {
  const match = /^button\[(\d+)\](?:\.sub_button\[(\d+)\])?/.exec(path);
  if (!match) return undefined;
  return match[2] === undefined
    ? { top: Number(match[1]) }
    : { top: Number(match[1]), sub: Number(match[2]) };
}

/** A checked menu as the editor holds it (the same shape, every field optional). */
function editable(menu: Menu | { button: readonly EditableButton[] }): EditableMenu {
  return { button: structuredClone(menu.button) as EditableButton[] };
}

/**
 * An account's custom menu: the editor beside a phone showing it as WeChat does, checked
 * against WeChat's rules as it is typed (the same functions the server checks with), saved
 * as a draft, published, read back from WeChat; the history restores earlier menus.
 */
export function MenusPage() {
  const { t } = useSectionI18n(menusDictionary);
  const { message, modal } = App.useApp();
  const appId = useParams()["appId"] ?? "";
  const who = useWhoami();
  const account = useAccount(appId);
  const draft = useMenuDraft(appId);
  const save = useSaveMenuDraft(appId);
  const publish = usePublishMenu(appId);
  const [menu, setMenu] = useState<EditableMenu | undefined>();
  const [selected, setSelected] = useState<Selection | undefined>();
  const [refused, setRefused] = useState<ShownViolation | undefined>();
  const canEdit = mayTake(who.data, "menus.publish", appId);

  useEffect(() => {
    document.title = `${t("menus.title")} · ${account.data?.nickname ?? appId}`;
  }, [t, account.data?.nickname, appId]);

  // The draft fills the editor once; later saves keep what is being typed.
  useEffect(() => {
    if (menu === undefined && draft.isSuccess) {
      setMenu(draft.data ? editable(draft.data.menu) : { button: [] });
      setSelected(draft.data ? { top: 0 } : undefined);
    }
  }, [menu, draft.isSuccess, draft.data]);

  const local = useMemo(() => (menu ? validateMenu(menu) : undefined), [menu]);
  const violation = local && !local.ok ? shown(t, local) : refused;

  if (!menu) {
    return draft.error ? (
      <Alert type="error" message={errorMessage(t, draft.error)} />
    ) : (
      <Spin style={{ display: "block", marginTop: 48 }} />
    );
  }

  const change = (next: EditableMenu) => {
    setMenu(next);
    setRefused(undefined);
  };
  const load = (next: Menu | { button: readonly EditableButton[] } | null) => {
    if (!next) return;
    change(editable(next));
    setSelected({ top: 0 });
  };
  const current = selected && menu.button[selected.top];
  const editing = current && selected.sub !== undefined ? current.sub_button?.[selected.sub] : current;
  const path =
    selected &&
    (selected.sub === undefined
      ? `button[${selected.top}]`
      : `button[${selected.top}].sub_button[${selected.sub}]`);

  const update = (button: EditableButton) => {
    if (!selected) return;
    const buttons = [...menu.button];
    if (selected.sub === undefined) buttons[selected.top] = button;
    else {
      const parent = buttons[selected.top]!;
      const subs = [...(parent.sub_button ?? [])];
      subs[selected.sub] = button;
      buttons[selected.top] = { ...parent, sub_button: subs };
    }
    change({ button: buttons });
  };
  const remove = () => {
    if (!selected) return;
    const buttons = [...menu.button];
    if (selected.sub === undefined) {
      buttons.splice(selected.top, 1);
      setSelected(buttons.length > 0 ? { top: 0 } : undefined);
    } else {
      const parent = buttons[selected.top]!;
      const subs = (parent.sub_button ?? []).filter((_, index) => index !== selected.sub);
      buttons[selected.top] = { ...parent, sub_button: subs };
      setSelected({ top: selected.top });
    }
    change({ button: buttons });
  };
  const addTop = () => {
    change({ button: [...menu.button, { type: "click", name: t("menus.addTop"), key: "" }] });
    setSelected({ top: menu.button.length });
  };
  const addSub = (top: number) => {
    const buttons = [...menu.button];
    const parent = buttons[top]!;
    const subs = [...(parent.sub_button ?? []), { type: "click", name: t("menus.addSub"), key: "" }];
    buttons[top] = { ...parent, sub_button: subs };
    change({ button: buttons });
    setSelected({ top, sub: subs.length - 1 });
  };

  const onRefused = (error: unknown) => {
    const details = error instanceof ApiError ? (error.details as { path?: unknown } | undefined) : undefined;
    if (error instanceof ApiError && error.reason?.startsWith("menu_") && typeof details?.path === "string") {
      const at = { path: details.path, message: ruleMessage(t, error.reason, details.path) };
      setRefused(at);
      const where = selectionOf(at.path);
      if (where) setSelected(where);
      void message.error(at.message);
      return;
    }
    void message.error(errorMessage(t, error));
  };
  const onSave = () =>
    save.mutate(menu, { onSuccess: () => void message.success(t("menus.draftSaved")), onError: onRefused });
  const onPublish = () =>
    modal.confirm({
      title: t("menus.publish"),
      content: t("menus.publishConfirm"),
      onOk: () =>
        publish.mutateAsync(menu).then(
          () => void message.success(t("menus.published")),
          (error: unknown) => onRefused(error),
        ),
    });
  const elsewhere = violation && path !== undefined && !violation.path.startsWith(path);

  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("menus.back")}
        </Button>
      </Link>
      <div>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t("menus.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t("menus.intro")}</Typography.Paragraph>
      </div>
      <Row gutter={[24, 24]}>
        <Col xs={24} md={10} xl={8}>
          <PhonePreview
            t={t}
            title={account.data?.nickname ?? appId}
            menu={menu}
            selected={selected}
            invalidPath={violation?.path}
            editable={canEdit}
            onSelect={setSelected}
            onAddTop={addTop}
            onAddSub={addSub}
          />
        </Col>
        <Col xs={24} md={14} xl={16}>
          <Card
            title={t("menus.editor")}
            extra={
              canEdit && (
                <Flex gap={8}>
                  <Button onClick={onSave} loading={save.isPending} disabled={local?.ok === false}>
                    {t("menus.saveDraft")}
                  </Button>
                  <Button type="primary" onClick={onPublish} disabled={local?.ok === false}>
                    {t("menus.publish")}
                  </Button>
                </Flex>
              )
            }
          >
            {violation && (elsewhere || path === undefined) && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 16 }}
                message={violation.message}
                data-testid="menu-violation"
                action={
                  selectionOf(violation.path) && (
                    <Button size="small" onClick={() => setSelected(selectionOf(violation.path))}>
                      {violation.path}
                    </Button>
                  )
                }
              />
            )}
            {editing && path ? (
              <ButtonEditor
                key={path}
                t={t}
                button={editing}
                path={path}
                level={selected?.sub === undefined ? "top" : "sub"}
                violation={violation}
                editable={canEdit}
                onChange={update}
                onRemove={remove}
              />
            ) : (
              <Typography.Text type="secondary">
                {menu.button.length === 0 ? t("menus.empty") : t("menus.select")}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <LiveCard t={t} appId={appId} editable={canEdit} onEdit={(live) => load(live.menu)} />
        </Col>
        <Col xs={24} xl={16}>
          <ConditionalCard
            t={t}
            appId={appId}
            editable={canEdit}
            menu={menu}
            valid={local?.ok !== false}
            onRefused={onRefused}
          />
        </Col>
        <Col xs={24} xl={8}>
          <HistoryCard t={t} appId={appId} editable={canEdit} onRestored={load} />
        </Col>
        <Col xs={24} xl={8}>
          <ClicksCard t={t} appId={appId} />
        </Col>
      </Row>
    </Flex>
  );
}
