import { MenuOutlined, PlusOutlined } from "@ant-design/icons";
import { menuLimits } from "@wxgate/wechat/menus";
import type { EditableMenu } from "../../../api/menus.js";
import type { MenusTranslate } from "../../../i18n/menus.js";

/** Which button is being edited: a top-level one, or one of its sub-buttons. */
export interface Selection {
  top: number;
  sub?: number;
}

interface Props {
  t: MenusTranslate;
  title: string;
  menu: EditableMenu;
  selected: Selection | undefined;
  /** The button path of the first broken rule, to mark the button it is on. */
  invalidPath: string | undefined;
  editable: boolean;
  onSelect(selection: Selection): void;
  onAddTop(): void;
  onAddSub(top: number): void;
}

function className(selected: boolean, invalid: boolean): string {
  return ["wx-menu-item", selected ? "wx-menu-item-selected" : "", invalid ? "wx-menu-item-invalid" : ""]
    .filter(Boolean)
    .join(" ");
}

/** Whether the rule broken at `path` is on this button (its own fields, not its children's). */
function isAt(path: string | undefined, base: string): boolean {
  if (path === undefined) return false;
  if (path === base) return true;
  const rest = path.slice(base.length);
  return path.startsWith(base) && rest.startsWith(".") && !rest.startsWith(".sub_button[");
}

/**
 * The chat screen of WeChat with the account's menu bar at the bottom: the selected parent's
 * sub-buttons pop up above it. Tapping a button selects it for editing; "+" adds one while
 * WeChat's counts allow.
 */
export function PhonePreview({
  t,
  title,
  menu,
  selected,
  invalidPath,
  editable,
  onSelect,
  onAddTop,
  onAddSub,
}: Props) {
  const open = selected?.top;
  return (
    <section className="wx-menu-phone" data-testid="menu-phone" aria-label={t("menus.preview")}>
      <div className="wx-menu-phone-header">{title}</div>
      <div className="wx-menu-phone-chat" />
      <div className="wx-menu-bar">
        <span className="wx-menu-keyboard" aria-hidden="true">
          ⌨
        </span>
        {menu.button.map((button, top) => {
          const subs = button.sub_button;
          const isParent = subs !== undefined;
          const base = `button[${top}]`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position in the menu
            <div className="wx-menu-slot" key={top}>
              {open === top && isParent && (
                <div className="wx-menu-popup">
                  {subs.map((sub, index) => (
                    <button
                      // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position in the menu
                      key={index}
                      type="button"
                      aria-pressed={selected?.sub === index}
                      className={className(
                        selected?.sub === index,
                        isAt(invalidPath, `${base}.sub_button[${index}]`),
                      )}
                      onClick={() => onSelect({ top, sub: index })}
                    >
                      {sub.name || "—"}
                    </button>
                  ))}
                  {editable && subs.length < menuLimits.subButtons.max && (
                    <button
                      type="button"
                      className="wx-menu-item wx-menu-add"
                      aria-label={t("menus.addSub")}
                      onClick={() => onAddSub(top)}
                    >
                      <PlusOutlined />
                    </button>
                  )}
                </div>
              )}
              <button
                type="button"
                aria-expanded={isParent ? open === top : undefined}
                aria-pressed={selected?.top === top && selected.sub === undefined}
                className={className(
                  selected?.top === top && selected.sub === undefined,
                  isAt(invalidPath, base) || invalidPath === `${base}.sub_button`,
                )}
                onClick={() => onSelect({ top })}
              >
                {isParent && <MenuOutlined style={{ fontSize: 10, marginRight: 4 }} />}
                {button.name || "—"}
              </button>
            </div>
          );
        })}
        {editable && menu.button.length < menuLimits.buttons.max && (
          <div className="wx-menu-slot">
            <button
              type="button"
              className="wx-menu-item wx-menu-add"
              aria-label={t("menus.addTop")}
              onClick={onAddTop}
            >
              <PlusOutlined />
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
