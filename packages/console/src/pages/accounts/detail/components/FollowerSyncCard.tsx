import { SyncOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Flex, Progress, Typography } from "antd";
import { useEffect } from "react";
import { followerKeys, useFollowerSync, useStartSync } from "../../../../api/followers.js";
import { followersDictionary, followersError } from "../../../../i18n/followers.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { formatTime } from "../../../../lib/time.js";

/** Seconds as "1 h 2 min", "3 min 4 s" or "5 s". */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** The follower sync: start it, and watch its progress (done / total, rate, ETA) while it runs. */
export function FollowerSyncCard({ appId, canSync }: { appId: string; canSync: boolean }) {
  const { t } = useSectionI18n(followersDictionary);
  const { message } = App.useApp();
  const sync = useFollowerSync(appId);
  const start = useStartSync();
  const p = sync.data;
  const client = useQueryClient();
  // A run that ends brings new followers and tags: the list and the tags are read again.
  const finished = p?.state === "done" ? p.finishedAt : null;
  useEffect(() => {
    if (finished === null) return;
    void client.invalidateQueries({ queryKey: followerKeys.list(appId) });
    void client.invalidateQueries({ queryKey: followerKeys.tags(appId) });
  }, [client, appId, finished]);
  const percent = p && p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
  const onStart = () =>
    start.mutate(appId, {
      onSuccess: () => void message.success(t("followers.sync.started")),
      onError: (error) => void message.error(followersError(t, error)),
    });
  return (
    <Card
      size="small"
      title={<h2 className="wx-card-title">{t("followers.sync.title")}</h2>}
      extra={
        canSync && (
          <Button
            icon={<SyncOutlined />}
            loading={start.isPending}
            disabled={p?.state === "running"}
            onClick={onStart}
            data-testid="follower-sync-start"
          >
            {p?.state === "idle" || !p ? t("followers.sync.start") : t("followers.sync.again")}
          </Button>
        )
      }
    >
      {sync.isError && <Typography.Text type="danger">{followersError(t, sync.error)}</Typography.Text>}
      {p?.state === "idle" && (
        <Typography.Paragraph className="wx-muted">{t("followers.sync.idle")}</Typography.Paragraph>
      )}
      {p && p.state !== "idle" && (
        <Flex vertical gap={4} data-testid="follower-sync-progress">
          <Progress
            aria-label={t("followers.sync.title")}
            percent={p.state === "done" ? 100 : percent}
            status={p.state === "failed" ? "exception" : p.state === "running" ? "active" : "success"}
          />
          <Typography.Text>
            {p.state === "running" &&
              t("followers.sync.running", { done: p.done.toLocaleString(), total: p.total.toLocaleString() })}
            {p.state === "done" &&
              t("followers.sync.done", { done: p.done.toLocaleString(), at: formatTime(p.finishedAt) })}
            {p.state === "failed" && t("followers.sync.failed", { error: p.lastError ?? "—" })}
          </Typography.Text>
          {p.state === "running" && (
            <Typography.Text className="wx-muted">
              {p.rate !== null && t("followers.sync.rate", { rate: p.rate.toLocaleString() })}
              {p.etaSeconds !== null && ` · ${t("followers.sync.eta", { eta: duration(p.etaSeconds) })}`}
            </Typography.Text>
          )}
        </Flex>
      )}
    </Card>
  );
}
