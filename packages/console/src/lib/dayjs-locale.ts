import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useI18n } from "../i18n/index.js";

/**
 * antd's date pickers read dayjs's locale. The screens that show a picker set it to the
 * console's language; the first load (sign-in, accounts) has no picker and so no dayjs.
 */
export function useDayjsLocale(): void {
  const { language } = useI18n();
  dayjs.locale(language === "zh-CN" ? "zh-cn" : "en");
}
