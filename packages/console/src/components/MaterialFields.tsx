import { Flex, Input } from "antd";
import { lazy, Suspense } from "react";
import type { ItemType, MaterialItem } from "../api/materials.js";

// The picker (and the materials texts) load once a form takes a media, not with the editor.
const MaterialPicker = lazy(async () => ({
  default: (await import("./MaterialPicker.js")).MaterialPicker,
}));

/**
 * A media_id typed, or chosen from the account's materials of the type the message needs (an
 * automatic reply's, a campaign's). Like the other field here, a form control (`value` / `onChange` from its `Form.Item`), so a choice is an edit
 * like typing.
 */
export function MediaIdInput({
  appId,
  type,
  id,
  value,
  onChange,
}: {
  appId: string;
  type: ItemType;
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  return (
    <Flex gap={8} wrap>
      <Input
        {...(id ? { id } : {})}
        value={value ?? ""}
        onChange={(e) => onChange?.(e.target.value)}
        style={{ flex: "1 1 240px" }}
      />
      <Suspense fallback={null}>
        <MaterialPicker appId={appId} type={type} onPick={(item: MaterialItem) => onChange?.(item.mediaId)} />
      </Suspense>
    </Flex>
  );
}

/** A cover address typed, or a permanent image's WeChat address chosen from the materials. */
export function PicUrlInput({
  appId,
  id,
  value,
  onChange,
}: {
  appId: string;
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  return (
    <Flex gap={8} wrap>
      <Input
        {...(id ? { id } : {})}
        value={value ?? ""}
        onChange={(e) => onChange?.(e.target.value)}
        style={{ flex: "1 1 240px" }}
      />
      <Suspense fallback={null}>
        <MaterialPicker
          appId={appId}
          type="image"
          kind="permanent"
          onPick={(item: MaterialItem) => onChange?.(item.url ?? "")}
        />
      </Suspense>
    </Flex>
  );
}
