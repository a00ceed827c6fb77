import { permissionSets } from "@wxgate/wechat/permissions";
import { Alert, App, Button, Flex, Select, Spin } from "antd";
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/errors.js";
import { useMinimumPermissionSets, useSetMinimumPermissionSets } from "../../api/settings.js";
import { useSectionI18n } from "../../i18n/index.js";
import { settingsDictionary } from "../../i18n/settings.js";

const optionsFor = (appliesTo: "official" | "miniprogram") =>
  permissionSets
    .filter((s) => s.appliesTo === appliesTo)
    .map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }));

/** 设置: the minimum permission sets an account must grant before it can be enabled. */
export function SettingsPage() {
  const { t } = useSectionI18n(settingsDictionary);
  const { message } = App.useApp();
  const current = useMinimumPermissionSets();
  const save = useSetMinimumPermissionSets();
  const [official, setOfficial] = useState<number[] | null>(null);
  const [miniprogram, setMiniprogram] = useState<number[] | null>(null);

  useEffect(() => {
    document.title = `${t("menu.settings")} · ${t("app.name")}`;
  }, [t]);

  if (current.isPending) return <Spin />;
  if (current.isError) return <Alert type="error" showIcon message={errorMessage(t, current.error)} />;
  const officialValue = official ?? current.data.official.map((s) => s.id);
  const miniValue = miniprogram ?? current.data.miniprogram.map((s) => s.id);

  return (
    <Flex vertical gap={16} style={{ maxWidth: 720 }}>
      <div>
        <h1 className="wx-title">{t("menu.settings")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("pages.settings.intro")}
        </p>
      </div>
      <div className="wx-field">
        <span id="minimum-official">{t("pages.settings.official")}</span>
        <Select<number[]>
          mode="multiple"
          aria-labelledby="minimum-official"
          value={officialValue}
          onChange={setOfficial}
          options={optionsFor("official")}
          optionFilterProp="label"
        />
      </div>
      <div className="wx-field">
        <span id="minimum-miniprogram">{t("pages.settings.miniprogram")}</span>
        <Select<number[]>
          mode="multiple"
          aria-labelledby="minimum-miniprogram"
          value={miniValue}
          onChange={setMiniprogram}
          options={optionsFor("miniprogram")}
          optionFilterProp="label"
        />
      </div>
      <div>
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() =>
            save.mutate(
              { official: officialValue, miniprogram: miniValue },
              {
                onSuccess: () => {
                  setOfficial(null);
                  setMiniprogram(null);
                  void message.success(t("pages.settings.saved"));
                },
                onError: (error) => void message.error(errorMessage(t, error)),
              },
            )
          }
        >
          {t("pages.account.openIdSave")}
        </Button>
      </div>
    </Flex>
  );
}
