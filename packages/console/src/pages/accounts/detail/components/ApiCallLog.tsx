import { Button, Card, Flex, Input, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { type ApiCall, useApiCalls } from "../../../../api/accounts.js";
import { errorMessage } from "../../../../api/errors.js";
import { useI18n } from "../../../../i18n/index.js";
import { formatTime } from "../../../../lib/time.js";

/** The outbound WeChat calls made for the account, newest first, filtered by errcode. */
export function ApiCallLog({ appId }: { appId: string }) {
  const { t } = useI18n();
  const [errcode, setErrcode] = useState("");
  const [pages, setPages] = useState<string[]>([]);
  const calls = useApiCalls(appId, errcode, pages[pages.length - 1]);
  const columns: TableColumnsType<ApiCall> = [
    { title: t("fields.apiCall.at"), key: "at", width: 230, render: (_, c) => formatTime(c.at) },
    {
      title: t("fields.apiCall.api"),
      key: "api",
      ellipsis: true,
      render: (_, c) => <Typography.Text code>{c.api}</Typography.Text>,
    },
    {
      title: t("fields.apiCall.result"),
      key: "result",
      render: (_, c) =>
        c.ok ? (
          <Tag className="wx-tag-green">{t("fields.apiCall.ok")}</Tag>
        ) : (
          <span>
            <Tag className="wx-tag-red">{t("fields.apiCall.failed")}</Tag>
            errcode {c.errcode}
            {c.rid ? ` · rid ${c.rid}` : ""}
          </span>
        ),
    },
    { title: t("fields.apiCall.latency"), key: "latency", width: 100, render: (_, c) => `${c.latencyMs} ms` },
  ];
  return (
    <Card
      size="small"
      title={<h2 className="wx-card-title">{t("pages.account.apiCalls")}</h2>}
      extra={
        <Input.Search
          allowClear
          size="small"
          inputMode="numeric"
          placeholder={t("pages.account.errcode")}
          aria-label={t("pages.account.errcode")}
          onSearch={(value) => {
            setErrcode(/^-?\d+$/.test(value.trim()) ? value.trim() : "");
            setPages([]);
          }}
          style={{ width: 160 }}
        />
      }
    >
      {calls.isError && <Typography.Text type="danger">{errorMessage(t, calls.error)}</Typography.Text>}
      <Table<ApiCall>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        scroll={{ x: 700 }}
        loading={calls.isFetching}
        columns={columns}
        dataSource={calls.data?.items ?? []}
        pagination={false}
      />
      <Flex gap={8} justify="flex-end" style={{ marginTop: 8 }}>
        <Button size="small" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          ‹
        </Button>
        <Button
          size="small"
          disabled={!calls.data?.nextBefore}
          onClick={() => calls.data?.nextBefore && setPages([...pages, calls.data.nextBefore])}
        >
          {t("pages.account.loadMore")} ›
        </Button>
      </Flex>
    </Card>
  );
}
