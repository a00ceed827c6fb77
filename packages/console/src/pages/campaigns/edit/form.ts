import dayjs, { type Dayjs } from "dayjs";
import type {
  Audience,
  AudienceKind,
  Campaign,
  CampaignContent,
  CampaignInput,
  Channel,
  CustomType,
  MassType,
} from "../../../api/campaigns.js";

/**
 * The campaign form's values: every channel's fields side by side (only the chosen channel's
 * are sent), the audience by kind, the schedule behind a choice.
 */
export interface FormValues {
  name: string;
  channel: Channel;
  audienceKind: AudienceKind;
  tagId?: number | undefined;
  listId?: string | undefined;
  templateId?: string | undefined;
  data: Record<string, string>;
  url?: string | undefined;
  mpAppid?: string | undefined;
  mpPath?: string | undefined;
  page?: string | undefined;
  massType: MassType;
  customType: CustomType;
  text?: string | undefined;
  mediaId?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  picUrl?: string | undefined;
  appid?: string | undefined;
  pagepath?: string | undefined;
  thumbMediaId?: string | undefined;
  when: "now" | "later";
  scheduledAt?: Dayjs | undefined;
}

/**
 * The audiences each channel can reach (a mass send goes to all followers or a tag with
 * `sendall`, to a list or the 48-hour audience by OpenIDs with `mass/send`).
 */
export const AUDIENCES: Record<Channel, AudienceKind[]> = {
  template: ["all", "tag", "active48h", "list"],
  mass: ["all", "tag", "active48h", "list"],
  custom: ["active48h", "all", "tag", "list"],
  subscribe: ["subscribers", "list"],
};

export const MASS_TYPES: MassType[] = ["mpnews", "text", "image", "voice", "mpvideo"];
export const CUSTOM_TYPES: CustomType[] = ["text", "image", "voice", "video", "news", "miniprogrampage"];

type CustomPart =
  | "mediaId"
  | "title"
  | "description"
  | "url"
  | "picUrl"
  | "appid"
  | "pagepath"
  | "thumbMediaId";

/** The parts each customer-service message type carries (besides a text's text). */
export const CUSTOM_PARTS: Record<CustomType, CustomPart[]> = {
  text: [],
  image: ["mediaId"],
  voice: ["mediaId"],
  video: ["mediaId", "thumbMediaId", "title", "description"],
  news: ["title", "description", "url", "picUrl"],
  miniprogrampage: ["title", "appid", "pagepath", "thumbMediaId"],
};

/** A mass or customer-service text: 2048 bytes, as WeChat counts them (a Chinese character is 3). */
export const TEXT_BYTES = 2048;

/**
 * The characters a field's value may hold: WeChat cuts a template message's value past 200
 * and refuses a subscription message's `thing` past 20; the other subscription kinds are
 * shorter still (a `phrase` 5, a `name` 10, a `car_number` 8).
 */
const SUBSCRIBE_LIMITS: Record<string, number> = { phrase: 5, name: 10, car_number: 8, symbol: 5 };
export const TEMPLATE_VALUE_CHARS = 200;
export const SUBSCRIBE_VALUE_CHARS = 20;

export function fieldLimit(channel: Channel, field: string): number {
  if (channel !== "subscribe") return TEMPLATE_VALUE_CHARS;
  return SUBSCRIBE_LIMITS[field.replace(/\d+$/, "")] ?? SUBSCRIBE_VALUE_CHARS;
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

const blank = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);

export function emptyValues(): FormValues {
  return {
    name: "",
    channel: "template",
    audienceKind: "all",
    data: {},
    massType: "mpnews",
    customType: "text",
    when: "now",
  };
}

/** The form's values for a saved campaign. */
export function valuesOf(campaign: Campaign): FormValues {
  const values: FormValues = { ...emptyValues(), name: campaign.name, channel: campaign.channel };
  const audience = campaign.audience;
  values.audienceKind = audience.kind;
  if (audience.kind === "tag") values.tagId = audience.tagId;
  if (audience.kind === "list") values.listId = audience.listId;
  const content = campaign.content;
  switch (content.channel) {
    case "template":
      values.templateId = content.templateId;
      values.data = Object.fromEntries(Object.entries(content.data).map(([k, v]) => [k, v.value]));
      values.url = content.url;
      values.mpAppid = content.miniprogram?.appid;
      values.mpPath = content.miniprogram?.pagepath;
      break;
    case "subscribe":
      values.templateId = content.templateId;
      values.data = Object.fromEntries(Object.entries(content.data).map(([k, v]) => [k, v.value]));
      values.page = content.page;
      break;
    case "mass":
      values.massType = content.type;
      values.mediaId = content.mediaId;
      values.text = content.text;
      break;
    case "custom": {
      const { channel: _, type, ...rest } = content;
      Object.assign(values, rest);
      values.customType = type;
      break;
    }
  }
  if (campaign.scheduledAt) {
    values.when = "later";
    values.scheduledAt = dayjs(campaign.scheduledAt);
  }
  return values;
}

function audienceOf(v: FormValues): Audience {
  switch (v.audienceKind) {
    case "tag":
      return { kind: "tag", tagId: v.tagId ?? 0 };
    case "list":
      return { kind: "list", listId: v.listId ?? "" };
    case "subscribers":
      return { kind: "subscribers", templateId: v.templateId ?? "" };
    case "active48h":
      return { kind: "active48h" };
    default:
      return { kind: "all" };
  }
}

/** Drops the unset optional fields, so the API sees only what was written. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function contentOf(v: FormValues, fields: string[]): CampaignContent {
  const data = (wrap: (value: string) => { value: string }) =>
    Object.fromEntries(fields.map((field) => [field, wrap(v.data[field] ?? "")]));
  switch (v.channel) {
    case "template": {
      const appid = blank(v.mpAppid);
      return defined({
        channel: "template",
        templateId: v.templateId ?? "",
        data: data((value) => ({ value })),
        url: blank(v.url),
        miniprogram: appid ? defined({ appid, pagepath: blank(v.mpPath) }) : undefined,
      });
    }
    case "subscribe":
      return defined({
        channel: "subscribe",
        templateId: v.templateId ?? "",
        data: data((value) => ({ value })),
        page: blank(v.page),
      });
    case "mass":
      return defined({
        channel: "mass",
        type: v.massType,
        text: v.massType === "text" ? (v.text ?? "") : undefined,
        mediaId: v.massType === "text" ? undefined : blank(v.mediaId),
      });
    case "custom": {
      // Only the chosen type's parts: what another type left in the form is not sent.
      const parts = CUSTOM_PARTS[v.customType];
      const pick = (part: CustomPart) => (parts.includes(part) ? blank(v[part]) : undefined);
      return defined({
        channel: "custom",
        type: v.customType,
        text: v.customType === "text" ? (v.text ?? "") : undefined,
        mediaId: pick("mediaId"),
        title: pick("title"),
        description: pick("description"),
        url: pick("url"),
        picUrl: pick("picUrl"),
        appid: pick("appid"),
        pagepath: pick("pagepath"),
        thumbMediaId: pick("thumbMediaId"),
      });
    }
  }
}

/** What the API takes from the form; `fields` are the chosen template's. */
export function inputOf(v: FormValues, fields: string[]): CampaignInput {
  return {
    name: v.name.trim(),
    channel: v.channel,
    audience: audienceOf(v),
    content: contentOf(v, fields),
    scheduledAt: v.when === "later" && v.scheduledAt ? v.scheduledAt.toISOString() : null,
  };
}

/**
 * The form field a refused part names (`content.data.keyword1.value` → data.keyword1), or
 * undefined when it has none (the problem is then listed above the form).
 */
export type FieldName = [keyof FormValues] | ["data", string];

export function formFieldOf(path: string, channel: Channel): FieldName | undefined {
  const parts = path.split(".");
  const [root, second, third] = parts;
  if (root === "name") return ["name"];
  if (root === "scheduledAt") return ["scheduledAt"];
  if (root === "audience") {
    if (second === "tagId") return ["tagId"];
    if (second === "listId") return ["listId"];
    if (second === "templateId") return ["templateId"];
    return ["audienceKind"];
  }
  if (root !== "content" || !second) return undefined;
  if (second === "data" && third) return ["data", third];
  if (second === "miniprogram") return [third === "pagepath" ? "mpPath" : "mpAppid"];
  if (second === "type") return [channel === "custom" ? "customType" : "massType"];
  const known: (keyof FormValues)[] = [
    "templateId",
    "url",
    "page",
    "text",
    "mediaId",
    "title",
    "description",
    "picUrl",
    "appid",
    "pagepath",
    "thumbMediaId",
  ];
  const field = known.find((k) => k === second);
  return field ? [field] : undefined;
}

/**
 * A choice that must be made, as a validator: a `required` rule would have the form item put
 * `aria-required` on a Select's or radio group's wrapper, an attribute a plain box may not carry.
 */
export function mustChoose(message: string) {
  return {
    validator: (_: unknown, value: unknown) =>
      value === undefined || value === null || value === ""
        ? Promise.reject(new Error(message))
        : Promise.resolve(),
  };
}
