import { ArrowDownOutlined, ArrowLeftOutlined, ArrowUpOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Input,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  type Rule,
  type TestOutcome,
  useDeleteRule,
  useReorderRules,
  useRules,
  useTestMessage,
} from "../../api/automation.js";
import { errorMessage } from "../../api/errors.js";
import { mayTake, useWhoami } from "../../api/session.js";
import { type AutomationKey, automationDictionary } from "../../i18n/automation.js";
import { useSectionI18n } from "../../i18n/index.js";
import { RuleEditor } from "./components/RuleEditor.js";

const DAYS = [1, 2, 3, 4, 5, 6, 0];

/** An account's automatic-reply rules: the list in order, the editor, a message tester. */
export function AutomationPage() {
  const { appId = "" } = useParams();
  const { t } = useSectionI18n(automationDictionary);
  const { message, modal } = App.useApp();
  const who = useWhoami();
  const manage = mayTake(who.data, "automation.manage", appId);
  const rules = useRules(appId);
  const remove = useDeleteRule(appId);
  const reorder = useReorderRules(appId);
  const [editing, setEditing] = useState<{ rule: Rule | undefined } | undefined>();
  const items = rules.data?.items ?? [];

  const move = (index: number, by: -1 | 1) => {
    const ids = items.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    if (id === undefined) return;
    ids.splice(index + by, 0, id);
    reorder.mutate(ids, { onError: (error) => void message.error(errorMessage(t, error)) });
  };
  const onDelete = (rule: Rule) =>
    modal.confirm({
      title: t("auto.deleteConfirm", { name: rule.name || t(`auto.kind.${rule.kind}`) }),
      okText: t("actions.delete"),
      okButtonProps: { danger: true },
      cancelText: t("actions.cancel"),
      onOk: () =>
        remove
          .mutateAsync(rule.id)
          .then(() => void message.success(t("auto.deleted")))
          .catch((error: unknown) => void message.error(errorMessage(t, error))),
    });

  const columns: TableColumnsType<Rule> = [
    {
      title: t("auto.name"),
      key: "name",
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text strong>{r.name || t(`auto.kind.${r.kind}`)}</Typography.Text>
          <Typography.Text type="secondary">{t(`auto.kind.${r.kind}`)}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t("auto.keywords"),
      key: "trigger",
      render: (_, r) =>
        r.kind === "click" ? (
          <Tag>{r.menuKey}</Tag>
        ) : (
          r.keywords.map((k) => (
            <Tag key={`${k.match}:${k.text}`} color={k.match === "exact" ? "blue" : undefined}>
              {k.match === "exact" ? `=${k.text}` : k.text}
            </Tag>
          ))
        ),
    },
    {
      title: t("auto.replies"),
      key: "replies",
      render: (_, r) =>
        `${r.replies.map((reply) => t(`auto.type.${reply.type}`)).join(" · ")} (${t(`auto.mode.${r.mode}`)})`,
    },
    { title: t("auto.priority"), dataIndex: "priority", key: "priority", width: 90 },
    {
      title: t("auto.schedule"),
      key: "schedule",
      render: (_, r) =>
        r.schedule
          ? `${DAYS.filter((d) => r.schedule?.days.includes(d))
              .map((d) => t(`auto.day.${d}` as AutomationKey))
              .join(" ")} ${r.schedule.from}–${r.schedule.to}`
          : t("auto.always"),
    },
    {
      title: t("auto.enabled"),
      key: "enabled",
      width: 80,
      render: (_, r) => (r.enabled ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
    },
    ...(manage
      ? [
          {
            title: "",
            key: "actions",
            width: 230,
            render: (_: unknown, r: Rule, index: number) => (
              <Space size={0} wrap>
                <Button
                  type="text"
                  icon={<ArrowUpOutlined />}
                  aria-label={t("auto.up")}
                  disabled={index === 0 || reorder.isPending}
                  onClick={() => move(index, -1)}
                />
                <Button
                  type="text"
                  icon={<ArrowDownOutlined />}
                  aria-label={t("auto.down")}
                  disabled={index === items.length - 1 || reorder.isPending}
                  onClick={() => move(index, 1)}
                />
                <Button type="link" onClick={() => setEditing({ rule: r })}>
                  {t("auto.edit")}
                </Button>
                <Button type="link" danger onClick={() => onDelete(r)}>
                  {t("auto.delete")}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("auto.back")}
        </Button>
      </Link>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t("auto.title")} · {appId}
        </Typography.Title>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ rule: undefined })}>
            {t("auto.create")}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("auto.intro")}
      </Typography.Paragraph>
      {rules.isError && <Alert type="error" showIcon message={errorMessage(t, rules.error)} />}
      <Table<Rule>
        rowKey="id"
        aria-label={t("auto.list")}
        loading={rules.isPending}
        columns={columns}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t("auto.empty") }}
        scroll={{ x: true }}
      />
      <Tester appId={appId} />
      <RuleEditor
        appId={appId}
        rule={editing?.rule}
        open={editing !== undefined}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void message.success(t("auto.saved"));
        }}
      />
    </Flex>
  );
}

/** Which rule would answer a text: the server's compiled rules, nothing sent. */
function Tester({ appId }: { appId: string }) {
  const { t } = useSectionI18n(automationDictionary);
  const test = useTestMessage(appId);
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<TestOutcome | undefined>();
  const run = () =>
    test.mutate({ type: "text", content: text }, { onSuccess: (result) => setOutcome(result) });
  return (
    <Card title={t("auto.test")} size="small">
      <Typography.Paragraph type="secondary">{t("auto.testHint")}</Typography.Paragraph>
      <Space.Compact style={{ width: "100%", maxWidth: 520 }}>
        <Input
          aria-label={t("auto.testText")}
          placeholder={t("auto.testText")}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={run}
        />
        <Button type="primary" onClick={run} loading={test.isPending} disabled={text.trim() === ""}>
          {t("auto.testRun")}
        </Button>
      </Space.Compact>
      {test.isError && (
        <Alert style={{ marginTop: 12 }} type="error" showIcon message={errorMessage(t, test.error)} />
      )}
      {outcome && (
        <Alert
          style={{ marginTop: 12 }}
          type={outcome.rule ? "success" : "info"}
          showIcon
          role="status"
          message={
            outcome.rule
              ? t("auto.testHit", {
                  name: outcome.rule.name || t(`auto.kind.${outcome.rule.kind}`),
                  via: t(`auto.via.${outcome.via}`),
                })
              : t("auto.testNone")
          }
        />
      )}
    </Card>
  );
}
