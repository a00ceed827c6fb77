import type { OfficialAccountApi } from "@wxgate/wechat";
import { templateFieldsOf } from "./preflight.js";

/** A template a campaign may send, as the editor shows it and the pre-flight checks it. */
export interface AccountTemplate {
  templateId: string;
  title: string;
  content: string;
  example: string;
  /** The `{{x.DATA}}` fields, in order. */
  fields: string[];
  /** A mini program's subscription template: one-time (WeChat's type 2) or long-term (3). */
  subscription?: "one_time" | "long_term";
}

/**
 * The account's templates: a mini program's subscription templates (`wxaapi/newtmpl/gettemplate`)
 * or an official account's template messages (`template/get_all_private_template`). Throws
 * WeChat's error as it came.
 */
export async function templatesOf(
  api: OfficialAccountApi,
  subscription: boolean,
): Promise<AccountTemplate[]> {
  if (subscription) {
    const { data } = await api.message.subscribe.templates();
    return data.map((t) => ({
      templateId: t.priTmplId,
      title: t.title,
      content: t.content,
      example: t.example ?? "",
      fields: templateFieldsOf(t.content),
      subscription: t.type === 3 ? "long_term" : "one_time",
    }));
  }
  const { template_list } = await api.message.template.listPrivate();
  return template_list.map((t) => ({
    templateId: t.template_id,
    title: t.title,
    content: t.content,
    example: t.example ?? "",
    fields: templateFieldsOf(t.content),
  }));
}
