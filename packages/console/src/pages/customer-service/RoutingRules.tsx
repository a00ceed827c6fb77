import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Empty, Flex, Input, InputNumber, Select } from "antd";
import { useEffect, useState } from "react";
import { type KfAccount, type RoutingRule, useKfRules, useSaveKfRules } from "../../api/customer-service.js";
import { kfDictionary } from "../../i18n/customer-service.js";
import { useSectionI18n } from "../../i18n/index.js";
import { sectionErrorMessage } from "../../i18n/materials.js";

type Kind = RoutingRule["kind"];

/** A rule being edited: every field present, so switching its kind keeps what was typed. */
interface Draft {
  kind: Kind;
  value: string;
  match: "exact" | "contains";
  tagId: number;
  kfAccount: string;
}

const draftOf = (r: RoutingRule): Draft => ({
  kind: r.kind,
  value: r.kind === "tag" ? "" : r.value,
  match: r.kind === "keyword" ? r.match : "exact",
  tagId: r.kind === "tag" ? r.tagId : 0,
  kfAccount: r.kfAccount,
});

const ruleOf = (d: Draft): RoutingRule =>
  d.kind === "keyword"
    ? { kind: "keyword", value: d.value, match: d.match, kfAccount: d.kfAccount }
    : d.kind === "menu_key"
      ? { kind: "menu_key", value: d.value, kfAccount: d.kfAccount }
      : { kind: "tag", tagId: d.tagId, kfAccount: d.kfAccount };

/** The routing rules editor: an ordered list, saved as a whole. */
export function RoutingRules({ appId, accounts }: { appId: string; accounts: KfAccount[] }) {
  const { t } = useSectionI18n(kfDictionary);
  const { message } = App.useApp();
  const rules = useKfRules(appId);
  const save = useSaveKfRules(appId);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  useEffect(() => {
    if (rules.data) setDrafts(rules.data.rules.map(draftOf));
  }, [rules.data]);

  const change = (i: number, patch: Partial<Draft>) =>
    setDrafts(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...drafts];
    const [taken] = next.splice(i, 1);
    if (taken) next.splice(i + by, 0, taken);
    setDrafts(next);
  };

  return (
    <Card size="small" title={t("kf.rules")}>
      <Flex vertical gap={12}>
        <Flex gap={8} wrap justify="flex-end">
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              setDrafts([
                ...drafts,
                {
                  kind: "keyword",
                  value: "",
                  match: "contains",
                  tagId: 0,
                  kfAccount: accounts[0]?.account ?? "",
                },
              ])
            }
          >
            {t("kf.addRule")}
          </Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() =>
              save.mutate(drafts.map(ruleOf), {
                onSuccess: (r) => void message.success(t("kf.rulesSaved", { count: r.rules.length })),
                onError: (e) => void message.error(sectionErrorMessage(t, kfDictionary["zh-CN"], e)),
              })
            }
          >
            {t("kf.saveRules")}
          </Button>
        </Flex>
        {drafts.length === 0 ? (
          <Empty description={t("kf.rulesEmpty")} />
        ) : (
          <ol style={{ margin: 0, paddingInlineStart: 20 }} aria-label={t("kf.rules")}>
            {drafts.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a rule has no id until saved; its place is its identity
              <li key={i} style={{ marginBottom: 8 }}>
                <Flex gap={8} wrap align="center">
                  <Select<Kind>
                    aria-label={t("kf.ruleKind")}
                    value={d.kind}
                    style={{ width: 140 }}
                    onChange={(kind) => change(i, { kind })}
                    options={(["keyword", "menu_key", "tag"] as const).map((k) => ({
                      value: k,
                      label: t(`kf.kind.${k}`),
                    }))}
                  />
                  {d.kind === "keyword" && (
                    <Select<"exact" | "contains">
                      aria-label={t("kf.match.contains")}
                      value={d.match}
                      style={{ width: 120 }}
                      onChange={(match) => change(i, { match })}
                      options={[
                        { value: "contains", label: t("kf.match.contains") },
                        { value: "exact", label: t("kf.match.exact") },
                      ]}
                    />
                  )}
                  {d.kind === "tag" ? (
                    <InputNumber
                      aria-label={t("kf.ruleValue")}
                      min={0}
                      value={d.tagId}
                      onChange={(v) => change(i, { tagId: Number(v ?? 0) })}
                    />
                  ) : (
                    <Input
                      aria-label={t("kf.ruleValue")}
                      value={d.value}
                      maxLength={d.kind === "keyword" ? 30 : 128}
                      style={{ width: 200 }}
                      onChange={(e) => change(i, { value: e.target.value })}
                    />
                  )}
                  <span>→</span>
                  <Select<string>
                    aria-label={t("kf.ruleTarget")}
                    value={d.kfAccount}
                    style={{ width: 220 }}
                    onChange={(kfAccount) => change(i, { kfAccount })}
                    options={accounts.map((a) => ({
                      value: a.account,
                      label: `${a.nickname} (${a.account})`,
                    }))}
                  />
                  <Button
                    aria-label={t("kf.up")}
                    icon={<ArrowUpOutlined />}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  />
                  <Button
                    aria-label={t("kf.down")}
                    icon={<ArrowDownOutlined />}
                    disabled={i === drafts.length - 1}
                    onClick={() => move(i, 1)}
                  />
                  <Button
                    aria-label={t("kf.remove")}
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}
                  />
                </Flex>
              </li>
            ))}
          </ol>
        )}
      </Flex>
    </Card>
  );
}
