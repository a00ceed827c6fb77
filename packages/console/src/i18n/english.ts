/**
 * The English pack: the console's texts and Ant Design's own (dates, pagination, modals). Loaded
 * only when English is chosen, so the default language's screens do not carry it.
 */
export { default as antdLocale } from "antd/locale/en_US";
export { enUS as messages } from "./en-US.js";
