import { GlobalOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useI18n } from "../i18n/index.js";

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const next = language === "zh-CN" ? "en-US" : "zh-CN";
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      lang={next}
      aria-label={`${t("app.languageLabel")}: ${t("app.language")}`}
      onClick={() => setLanguage(next)}
      data-testid="language"
    >
      {t("app.language")}
    </Button>
  );
}
