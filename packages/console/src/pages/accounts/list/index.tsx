import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Empty,
  Flex,
  Grid,
  Select,
  Space,
  Spin,
  Table,
  type TableColumnsType,
  Tooltip,
} from "antd";
// The bare input: the package entry also brings TextArea, Search and OTP, which this screen never shows.
import Input from "antd/es/input/Input";
import { lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import {
  type Account,
  type AccountKind,
  type LifecycleState,
  useAccounts,
  useDisable,
  useEnable,
  useUsage,
} from "../../../api/accounts.js";
import { errorMessage } from "../../../api/errors.js";
import { mayTake, useWhoami } from "../../../api/session.js";
import { GuardedButton } from "../../../components/GuardedButton.js";
import { useI18n } from "../../../i18n/index.js";
import { accountAbilities } from "../../../lib/abilities.js";
import { type AccountState, accountState, enumLabel, failedChecks } from "../../../lib/labels.js";

const ConnectDialog = lazy(async () => ({
  default: (await import("../components/ConnectDialog.js")).ConnectDialog,
}));
const AuthorizeDialog = lazy(async () => ({
  default: (await import("../components/AuthorizeDialog.js")).AuthorizeDialog,
}));

import { StateTag, ValidityBadge } from "../components/StateTags.js";

const KINDS: AccountKind[] = ["service", "subscription", "miniprogram"];
const STATES: AccountState[] = ["enabled", "disabled", "unauthorized"];
const LIFECYCLES: LifecycleState[] = ["active", "expiring", "lapsed", "cooling_off", "unauthorized"];

interface Filters {
  search: string;
  kind: AccountKind | undefined;
  state: AccountState | undefined;
  lifecycle: LifecycleState | undefined;
}

function matches(account: Account, filters: Filters): boolean {
  const search = filters.search.trim().toLowerCase();
  if (
    search &&
    !account.nickname.toLowerCase().includes(search) &&
    !account.appId.toLowerCase().includes(search)
  )
    return false;
  if (filters.kind && account.kind !== filters.kind) return false;
  if (filters.state && accountState(account) !== filters.state) return false;
  if (filters.lifecycle && account.lifecycle.state !== filters.lifecycle) return false;
  return true;
}

/** Enable or disable from the list; a refused enable names each failing check. */
function ToggleButton({ account }: { account: Account }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const enable = useEnable();
  const disable = useDisable();
  const abilities = accountAbilities(t, account);
  if (account.enabled)
    return (
      <GuardedButton
        size="small"
        ability={abilities.disable}
        loading={disable.isPending}
        onClick={() =>
          disable.mutate(account.appId, {
            onSuccess: () =>
              void message.success(t("pages.account.disabledDone", { name: account.nickname })),
            onError: (error) => void message.error(errorMessage(t, error)),
          })
        }
      >
        {t("actions.disable")}
      </GuardedButton>
    );
  return (
    <GuardedButton
      size="small"
      type="primary"
      ghost
      ability={abilities.enable}
      loading={enable.isPending}
      onClick={() =>
        enable.mutate(account.appId, {
          onSuccess: () => void message.success(t("pages.account.enabledDone", { name: account.nickname })),
          onError: (error) => {
            const checks = failedChecks(t, account);
            if (checks.length > 0)
              modal.error({
                title: t("pages.account.enableFailed", { name: account.nickname }),
                content: (
                  <ul data-testid="failed-checks">
                    {checks.map((check) => (
                      <li key={check}>{check}</li>
                    ))}
                  </ul>
                ),
              });
            else void message.error(errorMessage(t, error));
          },
        })
      }
    >
      {t("actions.enable")}
    </GuardedButton>
  );
}

/** The accounts as cards, one under another (narrow screens); `children` are the `li`s and the empty state. */
function CardList({
  loading,
  empty,
  label,
  children,
}: {
  loading: boolean;
  empty: boolean;
  label: string;
  children: ReactNode;
}) {
  if (loading) return <Spin />;
  return empty ? (
    <div>{children}</div>
  ) : (
    <ul className="wx-card-list" aria-label={label}>
      {children}
    </ul>
  );
}

/** 授权账号: the accounts, filters and search, the month's requests, the authorize dialog. */
export function AccountsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const who = useWhoami();
  // What the server lets the caller do: a member reads only their accounts, and neither
  // connects nor authorizes one.
  const canRead = mayTake(who.data, "accounts.read");
  const canConnect = mayTake(who.data, "accounts.connect");
  const canAuthorize = mayTake(who.data, "accounts.authorize");
  const accounts = useAccounts(canRead);
  const usage = useUsage(canAuthorize);
  const [authorizing, setAuthorizing] = useState(false);
  const [connecting, setConnecting] = useState(false);
  const [filters, setFilters] = useState<Filters>({
    search: "",
    kind: undefined,
    state: undefined,
    lifecycle: undefined,
  });

  useEffect(() => {
    document.title = `${t("menu.accounts")} · ${t("app.name")}`;
  }, [t]);

  const shown = useMemo(
    () => (accounts.data ?? []).filter((a) => matches(a, filters)),
    [accounts.data, filters],
  );
  const exhausted = usage.data !== undefined && usage.data.remaining <= 0;
  const narrow = screens.md === false;

  const columns: TableColumnsType<Account> = [
    {
      title: t("fields.account.nickname"),
      key: "nickname",
      render: (_, account) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Link to={`/accounts/${encodeURIComponent(account.appId)}`} style={{ fontWeight: 500 }}>
            <span className="wx-ellipsis">{account.nickname}</span>
          </Link>
          <span className="wx-muted wx-small">{account.appId}</span>
        </Flex>
      ),
    },
    {
      title: t("fields.account.kind"),
      key: "kind",
      width: 130,
      render: (_, account) => (
        <Flex vertical>
          <span>{enumLabel(t, "fields.account.kind", account.kind)}</span>
          <span className="wx-muted wx-small">
            {enumLabel(t, "fields.account.connection", account.connection)}
          </span>
        </Flex>
      ),
    },
    {
      title: t("fields.account.verified"),
      key: "verified",
      width: 90,
      render: (_, account) => (account.verified ? t("common.yes") : t("common.no")),
    },
    {
      title: t("fields.account.permissionSets"),
      key: "permissions",
      width: 160,
      render: (_, account) =>
        !account.permissionSets.applicable ? (
          <span className="wx-muted">{t("common.notApplicable")}</span>
        ) : account.permissionSets.missing.length === 0 ? (
          <span>
            {t("pages.account.granted")} {account.permissionSets.granted.length}
          </span>
        ) : (
          <Tooltip title={account.permissionSets.missing.map((s) => s.name).join("、")}>
            <span className="wx-danger">
              {t("pages.account.missing")} {account.permissionSets.missing.length}
            </span>
          </Tooltip>
        ),
    },
    {
      title: t("fields.account.state"),
      key: "state",
      width: 110,
      render: (_, account) => <StateTag account={account} />,
    },
    {
      title: t("fields.account.lifecycle"),
      key: "lifecycle",
      width: 200,
      render: (_, account) => <ValidityBadge account={account} />,
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 190,
      render: (_, account) => (
        <Space size={4} wrap>
          <ToggleButton account={account} />
          <Link to={`/accounts/${encodeURIComponent(account.appId)}`}>
            <Button size="small" type="link">
              {t("actions.detail")}
            </Button>
          </Link>
        </Space>
      ),
    },
  ];

  const refresh = () =>
    Promise.all([canRead && accounts.refetch(), canAuthorize && usage.refetch()]).then(
      () => void message.success(t("pages.accounts.refreshed")),
    );

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <div style={{ minWidth: 0, flex: "1 1 360px" }}>
          <h1 className="wx-title">{t("pages.accounts.title")}</h1>
          <p className="wx-muted" style={{ marginBottom: 0 }}>
            {t("pages.accounts.intro")}
          </p>
        </div>
        <Flex gap={8} align="center" wrap>
          {usage.data && (
            <Tooltip
              title={t("pages.accounts.usageHint", {
                month: usage.data.month,
                used: usage.data.used,
                limit: usage.data.limit,
              })}
            >
              <span className={exhausted ? "wx-danger" : "wx-muted"} data-testid="usage">
                {t("pages.accounts.usage", { used: usage.data.used, limit: usage.data.limit })}
              </span>
            </Tooltip>
          )}
          <Button icon={<ReloadOutlined />} onClick={() => void refresh()}>
            {t("pages.accounts.refresh")}
          </Button>
          {canConnect && (
            <Button onClick={() => setConnecting(true)} data-testid="connect">
              {t("pages.connect.open")}
            </Button>
          )}
          {canAuthorize && (
            <GuardedButton
              type="primary"
              icon={<PlusOutlined />}
              ability={
                exhausted
                  ? { allowed: false, reason: t("errors.reason.authorization_request_limit") }
                  : { allowed: true, reason: "" }
              }
              onClick={() => setAuthorizing(true)}
              data-testid="authorize"
            >
              {t("pages.accounts.authorize")}
            </GuardedButton>
          )}
        </Flex>
      </Flex>
      {exhausted && usage.data && (
        <Alert
          type="warning"
          showIcon
          message={t("pages.accounts.usageExhausted", { month: usage.data.month, limit: usage.data.limit })}
        />
      )}
      <Flex gap={8} wrap role="search">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t("pages.accounts.search")}
          aria-label={t("pages.accounts.search")}
          value={filters.search}
          onChange={(e) => setFilters({ ...filters, search: e.target.value })}
          style={{ width: narrow ? "100%" : 260 }}
        />
        <Select<AccountKind>
          allowClear
          placeholder={t("pages.accounts.filter.kind")}
          aria-label={t("pages.accounts.filter.kind")}
          value={filters.kind}
          onChange={(kind) => setFilters({ ...filters, kind })}
          options={KINDS.map((value) => ({ value, label: enumLabel(t, "fields.account.kind", value) }))}
          style={{ width: 150 }}
        />
        <Select<AccountState>
          allowClear
          placeholder={t("pages.accounts.filter.state")}
          aria-label={t("pages.accounts.filter.state")}
          value={filters.state}
          onChange={(state) => setFilters({ ...filters, state })}
          options={STATES.map((value) => ({ value, label: enumLabel(t, "fields.account.state", value) }))}
          style={{ width: 150 }}
        />
        <Select<LifecycleState>
          allowClear
          placeholder={t("pages.accounts.filter.lifecycle")}
          aria-label={t("pages.accounts.filter.lifecycle")}
          value={filters.lifecycle}
          onChange={(lifecycle) => setFilters({ ...filters, lifecycle })}
          options={LIFECYCLES.map((value) => ({
            value,
            label: enumLabel(t, "fields.account.lifecycle", value),
          }))}
          style={{ width: 150 }}
        />
      </Flex>
      {accounts.isError && <Alert type="error" showIcon message={errorMessage(t, accounts.error)} />}
      {who.data && !canRead ? (
        <Empty description={t("pages.accounts.noAccess")}>
          {who.data.role === "member" && <Link to="/invitations">{t("menu.invitations")}</Link>}
        </Empty>
      ) : narrow ? (
        // A plain list of cards on a phone: antd's List would bring its own code (and its
        // pagination's) into the accounts screen's first load for nothing more than this.
        <CardList loading={accounts.isPending} empty={shown.length === 0} label={t("pages.accounts.list")}>
          {shown.map((account) => (
            <li key={account.appId}>
              <article className="wx-card" data-testid="account-card">
                <Flex vertical gap={6}>
                  <Flex justify="space-between" align="center" gap={8}>
                    <Link
                      to={`/accounts/${encodeURIComponent(account.appId)}`}
                      style={{ fontWeight: 600, minWidth: 0, overflowWrap: "anywhere" }}
                    >
                      {account.nickname}
                    </Link>
                    <StateTag account={account} />
                  </Flex>
                  <span className="wx-muted wx-small">
                    {account.appId} · {enumLabel(t, "fields.account.kind", account.kind)} ·{" "}
                    {enumLabel(t, "fields.account.connection", account.connection)}
                  </span>
                  <ValidityBadge account={account} />
                  <Space size={4} wrap>
                    <ToggleButton account={account} />
                    <Link to={`/accounts/${encodeURIComponent(account.appId)}`}>
                      <Button size="small" type="link">
                        {t("actions.detail")}
                      </Button>
                    </Link>
                  </Space>
                </Flex>
              </article>
            </li>
          ))}
          {!accounts.isPending && shown.length === 0 && (
            <Empty
              description={accounts.data?.length ? t("pages.accounts.noMatch") : t("pages.accounts.empty")}
            />
          )}
        </CardList>
      ) : (
        <Table<Account>
          aria-label={t("pages.accounts.list")}
          rowKey="appId"
          tableLayout="fixed"
          loading={accounts.isPending}
          columns={columns}
          dataSource={shown}
          pagination={shown.length > 20 ? { pageSize: 20 } : false}
          locale={{
            emptyText: (
              <Empty
                description={accounts.data?.length ? t("pages.accounts.noMatch") : t("pages.accounts.empty")}
              />
            ),
          }}
        />
      )}
      {connecting && (
        <Suspense fallback={null}>
          <ConnectDialog open={connecting} onClose={() => setConnecting(false)} />
        </Suspense>
      )}
      {authorizing && (
        <Suspense fallback={null}>
          <AuthorizeDialog open={authorizing} onClose={() => setAuthorizing(false)} />
        </Suspense>
      )}
    </Flex>
  );
}
