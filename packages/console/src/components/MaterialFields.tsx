import { Flex, Input } from "antd";
import { lazy, type ReactNode, Suspense } from "react";
import type { ItemType, MaterialItem } from "../api/materials.js";

// The picker (and the materials texts) load once a form takes a media, not with the editor.
const MaterialPicker = lazy(async () => ({
  default: (await import("./MaterialPicker.js")).MaterialPicker,
}));

/** A form control's props (`value` / `onChange` from its `Form.Item`). */
interface FieldProps {
  appId: string;
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
}

/** A text typed, or taken from a material chosen in the picker: a choice is an edit like typing. */
function TypedOrPicked({
  id,
  value,
  onChange,
  picker,
}: Omit<FieldProps, "appId"> & { picker: (pick: (text: string) => void) => ReactNode }) {
  return (
    <Flex gap={8} wrap>
      <Input
        {...(id ? { id } : {})}
        value={value ?? ""}
        onChange={(e) => onChange?.(e.target.value)}
        style={{ flex: "1 1 240px" }}
      />
      <Suspense fallback={null}>{picker((text) => onChange?.(text))}</Suspense>
    </Flex>
  );
}

/**
 * A media_id typed, or chosen from the account's materials of the type the message needs (an
 * automatic reply's, a campaign's).
 */
export function MediaIdInput({ appId, type, ...field }: FieldProps & { type: ItemType }) {
  return (
    <TypedOrPicked
      {...field}
      picker={(pick) => (
        <MaterialPicker appId={appId} type={type} onPick={(item: MaterialItem) => pick(item.mediaId)} />
      )}
    />
  );
}

/** A cover address typed, or a permanent image's WeChat address chosen from the materials. */
export function PicUrlInput({ appId, ...field }: FieldProps) {
  return (
    <TypedOrPicked
      {...field}
      picker={(pick) => (
        <MaterialPicker
          appId={appId}
          type="image"
          kind="permanent"
          onPick={(item: MaterialItem) => pick(item.url ?? "")}
        />
      )}
    />
  );
}
