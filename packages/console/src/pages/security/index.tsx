import { Alert, App, Button, Card, Flex, Table, type TableColumnsType, Tag } from "antd";
import { useEffect } from "react";
import { askIdentityConfirmation } from "../../api/client.js";
import { errorMessage } from "../../api/errors.js";
import {
  type ConsoleSession,
  useEndOtherSessions,
  useEndSession,
  useMySessions,
} from "../../api/security.js";
import { useSectionI18n } from "../../i18n/index.js";
import { securityDictionary } from "../../i18n/security.js";
import { formatTime } from "../../lib/time.js";
import { DevicesCard } from "./DevicesCard.js";
import { TotpCard } from "./TotpCard.js";

/**
 * My security (账号安全): how new devices are verified and the authenticator app, where I am
 * signed in, ending sessions, known devices, confirming my identity.
 */
export function SecurityPage() {
  const { t } = useSectionI18n(securityDictionary);
  const { message, modal } = App.useApp();
  const sessions = useMySessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();

  useEffect(() => {
    document.title = `${t("menu.security")} · ${t("app.name")}`;
  }, [t]);

  const current = sessions.data?.find((s) => s.current);
  const until = current?.confirmedUntil ?? undefined;
  const fresh = until !== undefined && until > Date.now();

  const columns: TableColumnsType<ConsoleSession> = [
    {
      title: t("pages.security.device"),
      key: "device",
      render: (_, s) => (
        <Flex vertical>
          <span>
            {s.device} {s.current && <Tag className="wx-tag-green">{t("pages.security.current")}</Tag>}
          </span>
          <span className="wx-muted wx-small" style={{ overflowWrap: "anywhere" }}>
            {s.userAgent ?? ""}
          </span>
        </Flex>
      ),
    },
    { title: t("pages.security.ip"), key: "ip", width: 150, render: (_, s) => s.ip ?? "—" },
    {
      title: t("pages.security.signedInAt"),
      key: "created",
      width: 190,
      render: (_, s) => formatTime(s.createdAt),
    },
    {
      title: t("pages.security.lastSeen"),
      key: "seen",
      width: 190,
      render: (_, s) => formatTime(s.lastSeenAt),
    },
    { title: t("pages.security.endsAt"), key: "ends", width: 190, render: (_, s) => formatTime(s.idleUntil) },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 110,
      render: (_, s) =>
        s.current ? null : (
          <Button
            size="small"
            danger
            onClick={() =>
              modal.confirm({
                title: t("pages.security.endConfirm", { device: s.device }),
                okText: t("pages.security.end"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  end
                    .mutateAsync(s.id)
                    .then(() => void message.success(t("pages.security.ended")))
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t("pages.security.end")}
          </Button>
        ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <div>
        <h1 className="wx-title">{t("menu.security")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("pages.security.intro")}
        </p>
      </div>
      <TotpCard />
      <Card title={<h2 className="wx-card-title">{t("pages.security.confirmation")}</h2>} size="small">
        <Flex gap={12} align="center" wrap>
          <span>
            {fresh
              ? t("pages.security.confirmedUntil", { time: formatTime(until) })
              : t("pages.security.notConfirmed")}
          </span>
          <ConfirmNow onConfirmed={() => void sessions.refetch()} />
        </Flex>
      </Card>
      <Card
        title={<h2 className="wx-card-title">{t("pages.security.sessions")}</h2>}
        size="small"
        extra={
          <Button
            danger
            disabled={(sessions.data?.length ?? 0) < 2}
            onClick={() =>
              modal.confirm({
                title: t("pages.security.endOthersConfirm"),
                okText: t("pages.security.endOthers"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  endOthers
                    .mutateAsync()
                    .then(
                      ({ ended }) => void message.success(t("pages.security.endedOthers", { count: ended })),
                    )
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t("pages.security.endOthers")}
          </Button>
        }
      >
        {sessions.isError && <Alert type="error" showIcon message={errorMessage(t, sessions.error)} />}
        <Table<ConsoleSession>
          rowKey="id"
          tableLayout="fixed"
          scroll={{ x: 900 }}
          loading={sessions.isPending}
          columns={columns}
          dataSource={sessions.data ?? []}
          pagination={false}
        />
      </Card>
      <DevicesCard />
    </Flex>
  );
}

/** Asks for the password now, through the dialog a risk operation opens. */
function ConfirmNow({ onConfirmed }: { onConfirmed: () => void }) {
  const { t } = useSectionI18n(securityDictionary);
  return (
    <Button onClick={() => void askIdentityConfirmation().then((confirmed) => confirmed && onConfirmed())}>
      {t("pages.security.confirmNow")}
    </Button>
  );
}
