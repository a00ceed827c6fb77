import { Alert, Button, Empty, Flex, Input, Select, Space, Tag } from "antd";
import { type ReactNode, useEffect, useState } from "react";
import { Link } from "react-router";
import { useAccounts } from "../../api/accounts.js";
import {
  type FollowerAction,
  type PhoneAction,
  replyText,
  useFollowerAction,
  useFollowers,
  useInbox,
} from "../../api/sandbox.js";
import { SandboxMailbox } from "../../components/SandboxMailbox.js";
import { useSectionI18n } from "../../i18n/index.js";
import { sandboxPhoneDictionary } from "../../i18n/sandbox-phone.js";
import { enumLabel } from "../../lib/labels.js";
import { serverInfo } from "../../lib/server-info.js";
import { formatTime } from "../../lib/time.js";

interface Line {
  id: number;
  at: number;
  mine: ReactNode;
  result: FollowerAction;
}

/**
 * 沙箱手机: act as a WeChat user of a demo account — follow, send text, tap a menu button,
 * scan a QR code — and see each push WeChat made to wxgate and what came back.
 */
export function SandboxPhonePage() {
  const { t } = useSectionI18n(sandboxPhoneDictionary);
  const accounts = useAccounts();
  const usable = (accounts.data ?? []).filter((a) => a.authorizationState === "authorized");
  const [appId, setAppId] = useState<string | undefined>(undefined);
  const [openId, setOpenId] = useState<string | undefined>(undefined);
  const [subscribed, setSubscribed] = useState(false);
  const [search, setSearch] = useState("");
  const [lines, setLines] = useState<Line[]>([]);
  const [text, setText] = useState("");
  const [key, setKey] = useState("");
  const [scene, setScene] = useState("");
  const current = appId ?? usable[0]?.appId;
  const act = useFollowerAction(current ?? "", openId);
  const inbox = useInbox(current ?? "", openId);
  const followers = useFollowers(current ?? "", search);

  useEffect(() => {
    document.title = `${t("menu.sandboxPhone")} · ${t("app.name")}`;
  }, [t]);

  if (serverInfo.mode !== "sandbox")
    return <Alert type="info" showIcon message={t("pages.phone.sandboxOnly")} />;

  const run = (action: PhoneAction, mine: ReactNode) =>
    act.mutate(action, {
      onSuccess: (result) => {
        setOpenId(result.openId);
        setSubscribed(result.subscribed);
        setLines((previous) => [...previous, { id: previous.length, at: Date.now(), mine, result }]);
      },
    });

  return (
    <Flex vertical gap={16}>
      <div>
        <h1 className="wx-title">{t("menu.sandboxPhone")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("pages.phone.intro")}
        </p>
      </div>
      <SandboxMailbox />
      {usable.length === 0 && !accounts.isPending ? (
        <Empty
          description={
            <span>
              {t("pages.phone.noAccount")} <Link to="/accounts">{t("menu.accounts")}</Link>
            </span>
          }
        />
      ) : (
        <Flex gap={16} wrap align="flex-start">
          <Flex vertical gap={12} style={{ flex: "1 1 300px", minWidth: 0, maxWidth: 420 }}>
            <div className="wx-field" style={{ marginBottom: 0 }}>
              <span id="phone-account">{t("pages.phone.account")}</span>
              <Select<string>
                aria-labelledby="phone-account"
                value={current}
                onChange={(value) => {
                  setAppId(value);
                  setOpenId(undefined);
                  setSearch("");
                  setLines([]);
                }}
                options={usable.map((a) => ({ value: a.appId, label: `${a.nickname} (${a.appId})` }))}
              />
            </div>
            <div className="wx-field" style={{ marginBottom: 0 }}>
              <span id="phone-follower">{t("pages.phone.followerPick")}</span>
              <Select<string>
                aria-labelledby="phone-follower"
                data-testid="follower-picker"
                showSearch
                filterOption={false}
                onSearch={setSearch}
                value={openId ?? ""}
                notFoundContent={null}
                onChange={(value) => {
                  const picked = followers.data?.followers.find((f) => f.openId === value);
                  setOpenId(value || undefined);
                  setSubscribed(picked?.subscribed ?? false);
                  setLines([]);
                }}
                options={[
                  { value: "", label: t("pages.phone.newFollower") },
                  ...(followers.data?.followers ?? []).map((f) => ({
                    value: f.openId,
                    label: `${f.nickname} · ${f.openId}${f.subscribed ? "" : ` (${t("pages.phone.unsubscribed")})`}`,
                  })),
                ]}
              />
            </div>
            <div className="wx-muted wx-small" data-testid="follower" style={{ overflowWrap: "anywhere" }}>
              {openId ? t("pages.phone.follower", { openId }) : t("pages.phone.noFollower")}
            </div>
            <Button
              type="primary"
              disabled={!current || subscribed}
              loading={act.isPending}
              onClick={() => run({ kind: "follow" }, t("pages.phone.followed"))}
            >
              {t("pages.phone.follow")}
            </Button>
            <Space.Compact style={{ width: "100%" }}>
              <Input
                aria-label={t("pages.phone.text")}
                placeholder={t("pages.phone.text")}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <Button
                disabled={!openId || !text.trim()}
                onClick={() => {
                  run({ kind: "text", content: text.trim() }, text.trim());
                  setText("");
                }}
              >
                {t("pages.phone.send")}
              </Button>
            </Space.Compact>
            <Space.Compact style={{ width: "100%" }}>
              <Input
                aria-label={t("pages.phone.menuKey")}
                placeholder={t("pages.phone.menuKey")}
                value={key}
                onChange={(e) => setKey(e.target.value)}
              />
              <Button
                disabled={!openId || !key.trim()}
                onClick={() =>
                  run({ kind: "click", key: key.trim() }, t("pages.phone.clicked", { key: key.trim() }))
                }
              >
                {t("pages.phone.click")}
              </Button>
            </Space.Compact>
            <Space.Compact style={{ width: "100%" }}>
              <Input
                aria-label={t("pages.phone.scene")}
                placeholder={t("pages.phone.scene")}
                value={scene}
                onChange={(e) => setScene(e.target.value)}
              />
              <Button
                disabled={!current || !scene.trim()}
                onClick={() =>
                  run(
                    { kind: "scan", scene: scene.trim() },
                    t("pages.phone.scanned", { scene: scene.trim() }),
                  )
                }
              >
                {t("pages.phone.scan")}
              </Button>
            </Space.Compact>
            {act.isError && <Alert type="error" showIcon message={t("pages.phone.failed")} />}
          </Flex>
          <section
            aria-label={t("pages.phone.chat")}
            className="wx-phone"
            data-testid="chat"
            style={{ flex: "1 1 300px", minWidth: 0 }}
          >
            {lines.length === 0 && <p className="wx-muted">{t("pages.phone.empty")}</p>}
            {lines.map((line) => {
              const reply = replyText(line.result.push.replyXml);
              return (
                <div key={line.id} className="wx-chat-turn">
                  <div className="wx-bubble wx-bubble-mine">{line.mine}</div>
                  <div className="wx-small wx-muted">
                    {formatTime(line.at)} ·{" "}
                    <Tag
                      className={
                        line.result.push.outcome === "success" || line.result.push.outcome === "reply"
                          ? "wx-tag-green"
                          : "wx-tag-red"
                      }
                    >
                      {enumLabel(t, "fields.push.outcome", line.result.push.outcome)}
                    </Tag>
                    HTTP {line.result.push.status}
                  </div>
                  {reply !== undefined && <div className="wx-bubble wx-bubble-theirs">{reply}</div>}
                </div>
              );
            })}
            {(inbox.data ?? [])
              .filter((item) => item.via !== "reply")
              .map((item) => (
                <div key={`${item.at}-${item.msgType}`} className="wx-bubble wx-bubble-theirs">
                  {item.msgType}: {JSON.stringify(item.content)}
                </div>
              ))}
          </section>
        </Flex>
      )}
    </Flex>
  );
}
