import { Button, Flex } from "antd";
import { Link } from "react-router";
import { mayTake, useWhoami } from "../../../../api/session.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { operationsLinksDictionary } from "../../../../i18n/operations-links.js";

/** Links to the account's operation screens the user may open (materials, customer service). */
export function OperationsLinks({ appId }: { appId: string }) {
  const { t } = useSectionI18n(operationsLinksDictionary);
  const who = useWhoami();
  const links = [
    { path: "materials", label: t("ops.materials"), action: "materials.read" },
    { path: "customer-service", label: t("ops.customerService"), action: "kf.read" },
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
