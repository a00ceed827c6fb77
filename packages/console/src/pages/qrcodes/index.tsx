import { ArrowLeftOutlined } from "@ant-design/icons";
import { Button, Flex, Tabs } from "antd";
import { useEffect } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { mayTake, useWhoami } from "../../api/session.js";
import { useSectionI18n } from "../../i18n/index.js";
import { qrcodesDictionary } from "../../i18n/qrcodes.js";
import { ChannelsTab } from "./components/ChannelsTab.js";
import { FissionTab } from "./components/FissionTab.js";
import { StatsTab } from "./components/StatsTab.js";

const TABS = ["channels", "stats", "fission"] as const;
type Tab = (typeof TABS)[number];

/** 参数二维码: an account's channel codes, their daily figures, the fission tree. */
export function QrCodesPage() {
  const { appId = "" } = useParams();
  const { t } = useSectionI18n(qrcodesDictionary);
  const who = useWhoami();
  const [params, setParams] = useSearchParams();
  const manage = mayTake(who.data, "qrcodes.manage", appId);
  const asked = params.get("tab");
  const tab: Tab = TABS.includes(asked as Tab) ? (asked as Tab) : "channels";

  useEffect(() => {
    document.title = `${t("qr.title")} · ${t("app.name")}`;
  }, [t]);

  return (
    <Flex vertical gap={8}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("qr.back")}
        </Button>
      </Link>
      <div>
        <h1 className="wx-title">{t("qr.title")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("qr.intro")}
        </p>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === "channels" ? {} : { tab: key }, { replace: true })}
        items={[
          {
            key: "channels",
            label: t("qr.tab.channels"),
            children: <ChannelsTab appId={appId} manage={manage} />,
          },
          { key: "stats", label: t("qr.tab.stats"), children: <StatsTab appId={appId} /> },
          {
            key: "fission",
            label: t("qr.tab.fission"),
            children: <FissionTab appId={appId} manage={manage} />,
          },
        ]}
      />
    </Flex>
  );
}
