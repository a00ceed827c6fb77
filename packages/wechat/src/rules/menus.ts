/*
 * The custom-menu rules without the rest of the SDK (no Node built-ins): the console checks a
 * menu as it is edited with the very functions wxgate and the emulator check it with.
 */
export { menuLimits } from "./limits.js";
export { type MenuRuleReason, menuRuleReason } from "./menu-reasons.js";
export {
  type ConditionalMatchRule,
  type ConditionalMenu,
  isParentButton,
  type Menu,
  type MenuActionButton,
  type MenuActionType,
  type MenuParentButton,
  type MenuTopButton,
  validateConditionalMenu,
  validateMenu,
} from "./menu-validate.js";
export { utf8ByteLength, type Validated, type Violation } from "./violation.js";
