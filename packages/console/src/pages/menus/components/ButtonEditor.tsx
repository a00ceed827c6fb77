import { menuLimits, utf8ByteLength } from "@wxgate/wechat/menus";
import { Button, Form, Input, Select } from "antd";
import type { EditableButton } from "../../../api/menus.js";
import { type MenusTranslate, menusKey } from "../../../i18n/menus.js";

/** A broken rule as the editor shows it: where, and the sentence saying which rule. */
export interface ShownViolation {
  path: string;
  message: string;
}

interface Props {
  t: MenusTranslate;
  button: EditableButton;
  /** `button[1]` or `button[1].sub_button[2]`. */
  path: string;
  level: "top" | "sub";
  violation: ShownViolation | undefined;
  editable: boolean;
  onChange(button: EditableButton): void;
  onRemove(): void;
}

const keyTypes = new Set([
  "click",
  "scancode_push",
  "scancode_waitmsg",
  "pic_sysphoto",
  "pic_photo_or_album",
  "pic_weixin",
  "location_select",
]);

/** Bytes used of the limit, red past it: WeChat counts UTF-8 bytes, a Chinese character is 3. */
function Counter({ t, text, max }: { t: MenusTranslate; text: string | undefined; max: number }) {
  const used = utf8ByteLength(text ?? "");
  return (
    <span
      className={`wx-menu-counter${used > max ? " wx-menu-counter-over" : ""}`}
      data-testid="byte-counter"
    >
      {t("menus.bytes", { used, max })}
    </span>
  );
}

/** One button's fields, the ones its type uses, each with the broken rule written under it. */
export function ButtonEditor({ t, button, path, level, violation, editable, onChange, onRemove }: Props) {
  const isParent = button.sub_button !== undefined;
  const type = isParent ? "parent" : (button.type ?? "");
  const errorOf = (...fields: string[]) => {
    if (!violation) return {};
    const hit = fields.some((field) => violation.path === (field === "" ? path : `${path}.${field}`));
    return hit ? { validateStatus: "error" as const, help: violation.message } : {};
  };
  const set = (field: keyof EditableButton, value: string) => onChange({ ...button, [field]: value });
  const types = [...(level === "top" ? ["parent"] : []), ...menuLimits.buttonTypes];

  const onType = (next: string) => {
    if (next === "parent") {
      const { name } = button;
      onChange({ name, sub_button: [{ type: "click", name: t("menus.addSub"), key: "" }] });
      return;
    }
    const { sub_button: _subs, ...leaf } = button;
    onChange({ ...leaf, type: next });
  };

  const text = (
    field: "key" | "url" | "media_id" | "article_id" | "appid" | "pagepath",
    label: string,
    max?: number,
  ) => (
    <Form.Item label={label} {...errorOf(field)}>
      <Input
        aria-label={label}
        value={button[field] ?? ""}
        disabled={!editable}
        onChange={(event) => set(field, event.target.value)}
        suffix={max === undefined ? undefined : <Counter t={t} text={button[field]} max={max} />}
      />
    </Form.Item>
  );

  const nameMax = level === "top" ? menuLimits.nameBytes : menuLimits.subNameBytes;
  return (
    <Form layout="vertical" data-testid="button-editor">
      <Form.Item label={t("menus.name")} {...errorOf("name", "")}>
        <Input
          aria-label={t("menus.name")}
          value={button.name ?? ""}
          disabled={!editable}
          onChange={(event) => set("name", event.target.value)}
          suffix={<Counter t={t} text={button.name} max={nameMax} />}
        />
      </Form.Item>
      <Form.Item label={t("menus.type")} {...errorOf("type", "sub_button", "sub_button[0].sub_button")}>
        <Select
          aria-label={t("menus.type")}
          value={type}
          disabled={!editable}
          onChange={onType}
          options={types.map((value) => {
            const key = menusKey(`menus.type.${value}`);
            return { value, label: key ? t(key) : value };
          })}
        />
      </Form.Item>
      {keyTypes.has(type) && text("key", t("menus.key"), menuLimits.keyBytes)}
      {type === "view" && text("url", t("menus.url"), menuLimits.urlBytes)}
      {type === "media_id" && text("media_id", t("menus.mediaId"))}
      {(type === "article_id" || type === "article_view_limited") && text("article_id", t("menus.articleId"))}
      {type === "miniprogram" && (
        <>
          {text("appid", t("menus.appid"))}
          {text("pagepath", t("menus.pagepath"))}
          {text("url", t("menus.urlMini"), menuLimits.urlBytes)}
        </>
      )}
      {editable && (
        <Button danger onClick={onRemove}>
          {t("menus.remove")}
        </Button>
      )}
    </Form>
  );
}
