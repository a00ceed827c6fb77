import { Button, Result } from "antd";
import { Link } from "react-router";
import { useI18n } from "../i18n/index.js";

export function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t("common.notFound")}
      extra={
        <Link to="/accounts">
          <Button type="primary">{t("common.backHome")}</Button>
        </Link>
      }
    />
  );
}
