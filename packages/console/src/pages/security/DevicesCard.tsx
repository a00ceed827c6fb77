import { Alert, App, Button, Card, Flex, Table, type TableColumnsType, Tag } from "antd";
import { errorMessage } from "../../api/errors.js";
import { type KnownDevice, useForgetDevice, useKnownDevices } from "../../api/security.js";
import { useSectionI18n } from "../../i18n/index.js";
import { securityDictionary } from "../../i18n/security.js";
import { formatTime } from "../../lib/time.js";

/** The browsers that passed a second factor; forgetting one makes its next sign-in verify again. */
export function DevicesCard() {
  const { t } = useSectionI18n(securityDictionary);
  const { message, modal } = App.useApp();
  const devices = useKnownDevices();
  const forget = useForgetDevice();

  const columns: TableColumnsType<KnownDevice> = [
    {
      title: t("pages.security.device"),
      key: "device",
      render: (_, d) => (
        <Flex vertical>
          <span>
            {d.device} {d.current && <Tag className="wx-tag-green">{t("pages.security.thisDevice")}</Tag>}
          </span>
          <span className="wx-muted wx-small" style={{ overflowWrap: "anywhere" }}>
            {d.userAgent ?? ""}
          </span>
        </Flex>
      ),
    },
    { title: t("pages.security.ip"), key: "ip", width: 150, render: (_, d) => d.ip ?? "—" },
    {
      title: t("pages.security.firstSeen"),
      key: "first",
      width: 190,
      render: (_, d) => formatTime(d.firstSeenAt),
    },
    {
      title: t("pages.security.lastSeen"),
      key: "last",
      width: 190,
      render: (_, d) => formatTime(d.lastSeenAt),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 110,
      render: (_, d) => (
        <Button
          size="small"
          danger
          onClick={() =>
            modal.confirm({
              title: t("pages.security.forgetConfirm", { device: d.device }),
              okText: t("pages.security.forget"),
              okButtonProps: { danger: true },
              cancelText: t("actions.cancel"),
              onOk: () =>
                forget
                  .mutateAsync(d.id)
                  .then(() => void message.success(t("pages.security.forgotten")))
                  .catch((error: unknown) => void message.error(errorMessage(t, error))),
            })
          }
        >
          {t("pages.security.forget")}
        </Button>
      ),
    },
  ];

  return (
    <Card title={<h2 className="wx-card-title">{t("pages.security.devices")}</h2>} size="small">
      <p className="wx-muted" style={{ marginTop: 0 }}>
        {t("pages.security.devicesIntro")}
      </p>
      {devices.isError && <Alert type="error" showIcon message={errorMessage(t, devices.error)} />}
      <div data-testid="known-devices">
        <Table<KnownDevice>
          rowKey="id"
          tableLayout="fixed"
          scroll={{ x: 800 }}
          loading={devices.isPending}
          columns={columns}
          dataSource={devices.data ?? []}
          pagination={false}
        />
      </div>
    </Card>
  );
}
