import {
  type ConditionalMenu,
  type Menu,
  menuRuleReason,
  type Validated,
  type Violation,
  validateConditionalMenu,
  validateMenu,
} from "@wxgate/wechat";
import { PlatformError } from "../platform/errors.js";

/**
 * The refusal of a menu WeChat would reject: 400 `validation_failed` with `details.reason`,
 * the button's `path` (`button[1].sub_button[2].name`) and the `errcode` WeChat would answer.
 */
export function menuRefusal(violation: Violation): PlatformError {
  const where = violation.path === "" ? "the menu" : violation.path;
  return new PlatformError("validation_failed", `${where}: ${violation.errmsg}`, {
    reason: menuRuleReason(violation),
    path: violation.path,
    errcode: violation.errcode,
  });
}

function checked<T>(result: Validated<T>): T {
  if (!result.ok) throw menuRefusal(result);
  return result.value;
}

/** A `menu/create` body under WeChat's rules, trimmed to the fields each type uses. */
export function checkMenu(body: unknown): Menu {
  return checked(validateMenu(body));
}

/** A `menu/addconditional` body under WeChat's rules. */
export function checkConditionalMenu(body: unknown): ConditionalMenu {
  return checked(validateConditionalMenu(body));
}
