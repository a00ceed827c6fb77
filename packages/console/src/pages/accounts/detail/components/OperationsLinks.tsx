import { Button, Flex } from "antd";
import { Link } from "react-router";
import { mayTake, useWhoami } from "../../../../api/session.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { operationsLinksDictionary } from "../../../../i18n/operations-links.js";

/**
 * Links to the account's operation screens the user may open: automatic replies, the custom
 * menu, QR codes, materials, customer service, campaigns — each shown when the user's switches allow it.
 */
export function OperationsLinks({ appId }: { appId: string }) {
  const { t } = useSectionI18n(operationsLinksDictionary);
  const who = useWhoami();
  const links = [
    { path: "automation", label: t("menu.automation"), action: "automation.read" },
    { path: "menu", label: t("pages.account.menu"), action: "menus.read" },
    { path: "qrcodes", label: t("menu.qrcodes"), action: "qrcodes.read" },
    { path: "materials", label: t("ops.materials"), action: "materials.read" },
    { path: "customer-service", label: t("ops.customerService"), action: "kf.read" },
    { path: "campaigns", label: t("ops.campaigns"), action: "campaigns.read" },
  ].filter((l) => mayTake(who.data, l.action, appId));
  if (links.length === 0) return null;
  return (
    <Flex gap={8} wrap>
      {links.map((l) => (
        <Link key={l.path} to={`/accounts/${encodeURIComponent(appId)}/${l.path}`}>
          <Button>{l.label}</Button>
        </Link>
      ))}
    </Flex>
  );
}
