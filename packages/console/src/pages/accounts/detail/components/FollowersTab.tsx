import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Flex,
  Input,
  Modal,
  Row,
  Select,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import type { Account } from "../../../../api/accounts.js";
import {
  type Follower,
  type FollowerFilter,
  useFollowers,
  useFollowerTags,
  useSetRemark,
  useTagFollowers,
} from "../../../../api/followers.js";
import { mayTake, useWhoami } from "../../../../api/session.js";
import { followersDictionary, followersError, sceneLabel } from "../../../../i18n/followers.js";
import { useSectionI18n } from "../../../../i18n/index.js";
import { formatTime } from "../../../../lib/time.js";
import { FollowerSyncCard } from "./FollowerSyncCard.js";
import { FollowerTagsCard } from "./FollowerTagsCard.js";

const SCENES = [
  "ADD_SCENE_SEARCH",
  "ADD_SCENE_QR_CODE",
  "ADD_SCENE_PROFILE_CARD",
  "ADD_SCENE_ACCOUNT_MIGRATION",
  "ADD_SCENE_PAID",
  "ADD_SCENE_WECHAT_ADVERTISEMENT",
  "ADD_SCENE_OTHERS",
];
const ACTIVE_DAYS = [1, 2, 7, 30] as const;
const DAY_MS = 86_400_000;

/** 粉丝: the sync with its progress, the tags, and the followers — filtered, searched, remarked, tagged. */
export function FollowersTab({ account }: { account: Account }) {
  const { t } = useSectionI18n(followersDictionary);
  const { message } = App.useApp();
  const who = useWhoami();
  const appId = account.appId;
  const canSync = mayTake(who.data, "followers.sync", appId);
  const canUpdate = mayTake(who.data, "followers.update", appId);
  const canTag = mayTake(who.data, "followers.tags.manage", appId);
  const [filter, setFilter] = useState<FollowerFilter>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const followers = useFollowers(appId, filter, cursor);
  const tags = useFollowerTags(appId);
  const setRemark = useSetRemark();
  const tagging = useTagFollowers();
  const [selected, setSelected] = useState<string[]>([]);
  const [tagFor, setTagFor] = useState<number | undefined>(undefined);
  const [remarking, setRemarking] = useState<Follower | undefined>(undefined);
  const [remark, setRemarkText] = useState("");
  const tagName = new Map((tags.data ?? []).map((tag) => [tag.id, tag.name]));
  const ownTags = (tags.data ?? []).filter((tag) => !tag.system);

  const change = (next: Partial<FollowerFilter>) => {
    setFilter((previous) => ({ ...previous, ...next }));
    setCursors([]);
    setSelected([]);
  };
  const onTag = (tagged: boolean) => {
    if (tagFor === undefined) return;
    tagging.mutate(
      { appId, tagId: tagFor, openIds: selected, tagging: tagged },
      {
        onSuccess: (result) => {
          setSelected([]);
          void message.success(t("followers.tagged", result));
        },
        onError: (error) => void message.error(followersError(t, error)),
      },
    );
  };
  const onRemark = () => {
    if (!remarking) return;
    setRemark.mutate(
      { appId, openId: remarking.openId, remark },
      {
        onSuccess: () => {
          setRemarking(undefined);
          void message.success(t("followers.remark.saved"));
        },
        onError: (error) => void message.error(followersError(t, error)),
      },
    );
  };

  const shown = followers.data?.items ?? [];
  const allShown = shown.length > 0 && shown.every((f) => selected.includes(f.openId));
  // A checkbox column of its own (not the table's row selection): each box is labelled by its OpenID.
  const selection: TableColumnsType<Follower> = canTag
    ? [
        {
          // No control in the header: the table copies its titles into a hidden measuring row.
          title: "",
          key: "select",
          width: 48,
          render: (_, f) => (
            <Checkbox
              aria-label={f.openId}
              checked={selected.includes(f.openId)}
              onChange={(e) =>
                setSelected((now) =>
                  e.target.checked ? [...now, f.openId] : now.filter((openId) => openId !== f.openId),
                )
              }
            />
          ),
        },
      ]
    : [];
  const columns: TableColumnsType<Follower> = [
    ...selection,
    {
      title: t("followers.col.openId"),
      key: "openId",
      ellipsis: true,
      render: (_, f) => <code>{f.openId}</code>,
    },
    {
      title: t("followers.col.remark"),
      key: "remark",
      width: 160,
      render: (_, f) => f.remark || f.nickname || "—",
    },
    {
      title: t("followers.col.tags"),
      key: "tags",
      render: (_, f) => f.tagIds.map((id) => <Tag key={id}>{tagName.get(id) ?? id}</Tag>),
    },
    {
      title: t("followers.col.scene"),
      key: "scene",
      width: 140,
      render: (_, f) => sceneLabel(t, f.subscribeScene),
    },
    {
      title: t("followers.col.subscribeTime"),
      key: "at",
      width: 180,
      render: (_, f) => formatTime(f.subscribeTime),
    },
    {
      title: t("followers.col.lastActive"),
      key: "active",
      width: 180,
      render: (_, f) => formatTime(f.lastActiveAt),
    },
    ...(canUpdate
      ? [
          {
            title: t("followers.col.actions"),
            key: "actions",
            width: 100,
            render: (_: unknown, f: Follower) => (
              <Button
                size="small"
                type="link"
                disabled={!f.subscribed}
                onClick={() => {
                  setRemarkText(f.remark);
                  setRemarking(f);
                }}
              >
                {t("followers.remark.edit")}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const remarkLength = [...remark].length;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <FollowerSyncCard appId={appId} canSync={canSync} />
      </Col>
      <Col xs={24} lg={12}>
        <FollowerTagsCard appId={appId} canManage={canTag} />
      </Col>
      <Col xs={24}>
        <Card size="small" title={<h2 className="wx-card-title">{t("followers.list.title")}</h2>}>
          <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} data-testid="follower-filters">
            <Input.Search
              allowClear
              placeholder={t("followers.filter.search")}
              aria-label={t("followers.filter.search")}
              onSearch={(value) => change({ q: value.trim() || undefined })}
              style={{ width: 260 }}
            />
            <Select
              allowClear
              placeholder={t("followers.filter.tag")}
              aria-label={t("followers.filter.tag")}
              style={{ width: 160 }}
              options={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
              onChange={(value?: number) => change({ tag: value })}
            />
            <Select
              allowClear
              placeholder={t("followers.filter.scene")}
              aria-label={t("followers.filter.scene")}
              style={{ width: 180 }}
              options={SCENES.map((scene) => ({ value: scene, label: sceneLabel(t, scene) }))}
              onChange={(value?: string) => change({ scene: value })}
            />
            <Select
              allowClear
              placeholder={t("followers.filter.active")}
              aria-label={t("followers.filter.active")}
              style={{ width: 180 }}
              options={ACTIVE_DAYS.map((days) => ({ value: days, label: t(`followers.active.${days}`) }))}
              onChange={(days?: number) =>
                change({ activeSince: days === undefined ? undefined : Date.now() - days * DAY_MS })
              }
            />
          </Flex>
          {canTag && shown.length > 0 && (
            <Checkbox
              style={{ marginBottom: 8 }}
              checked={allShown}
              onChange={(e) => setSelected(e.target.checked ? shown.map((f) => f.openId) : [])}
            >
              {t("followers.selectPage")}
            </Checkbox>
          )}
          {canTag && selected.length > 0 && (
            <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} data-testid="follower-tagging">
              <span>{t("followers.selected", { count: selected.length })}</span>
              <Select
                placeholder={t("followers.filter.tag")}
                aria-label={t("followers.filter.tag")}
                style={{ width: 160 }}
                options={ownTags.map((tag) => ({ value: tag.id, label: tag.name }))}
                onChange={(value: number) => setTagFor(value)}
              />
              <Button disabled={tagFor === undefined} loading={tagging.isPending} onClick={() => onTag(true)}>
                {t("followers.tagSelected")}
              </Button>
              <Button
                disabled={tagFor === undefined}
                loading={tagging.isPending}
                onClick={() => onTag(false)}
              >
                {t("followers.untagSelected")}
              </Button>
            </Flex>
          )}
          {followers.isError && (
            <Typography.Text type="danger">{followersError(t, followers.error)}</Typography.Text>
          )}
          <Table<Follower>
            rowKey="openId"
            size="small"
            tableLayout="fixed"
            scroll={{ x: 900 }}
            loading={followers.isFetching}
            columns={columns}
            dataSource={shown}
            pagination={false}
            locale={{ emptyText: <Typography.Text>{t("followers.empty")}</Typography.Text> }}
          />
          <Flex gap={8} justify="flex-end" style={{ marginTop: 8 }}>
            <Button
              size="small"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              ‹
            </Button>
            <Button
              size="small"
              disabled={!followers.data?.next}
              onClick={() => followers.data?.next && setCursors([...cursors, followers.data.next])}
            >
              {t("followers.more")} ›
            </Button>
          </Flex>
        </Card>
      </Col>
      <Modal
        open={remarking !== undefined}
        title={t("followers.remark.title", { openId: remarking?.openId ?? "" })}
        onCancel={() => setRemarking(undefined)}
        onOk={onRemark}
        okButtonProps={{ disabled: remarkLength > 30, loading: setRemark.isPending }}
        destroyOnHidden
      >
        <Input
          value={remark}
          onChange={(e) => setRemarkText(e.target.value)}
          aria-label={t("followers.col.remark")}
          status={remarkLength > 30 ? "error" : undefined}
          suffix={`${remarkLength} / 30`}
        />
        <Typography.Text className="wx-muted">{t("followers.remark.hint")}</Typography.Text>
      </Modal>
    </Row>
  );
}
