import { type MediaTypeLimit, mediaLimits } from "@wxgate/wechat";
import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { receiveUpload } from "../http/upload.js";
import { errors } from "../platform/errors.js";
import type { MaterialsService } from "./service.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const oneItem = appid.extend({ mediaId: z.string().min(1).max(128) });
const mediaType = z.enum(["image", "voice", "video", "thumb"]);
const listType = z.enum(["image", "voice", "video", "news"]);

const articleView = z.object({
  title: z.string(),
  thumb_media_id: z.string(),
  author: z.string().optional(),
  digest: z.string().optional(),
  show_cover_pic: z.union([z.literal(0), z.literal(1)]),
  content: z.string(),
  content_source_url: z.string(),
});

const itemView = z.object({
  mediaId: z.string(),
  kind: z.enum(["temporary", "permanent"]),
  type: z.enum(["image", "voice", "video", "thumb", "news"]),
  name: z.string(),
  size: z.number().int().describe("Bytes; 0 when unknown (items found by a sync, news)."),
  url: z.string().nullable().describe("A permanent image's WeChat address."),
  articles: z.array(articleView).nullable(),
  createdAt: z.number().int(),
  expiresAt: z.number().int().nullable().describe("Temporary media: 3 days after upload (epoch ms)."),
});

const typeLimit = z.object({
  maxBytes: z.number().int(),
  extensions: z.array(z.string()),
  maxSeconds: z.number().int().optional(),
});
const kindLimits = z.object({ image: typeLimit, voice: typeLimit, video: typeLimit, thumb: typeLimit });

const limitView = (l: MediaTypeLimit) => ({
  maxBytes: l.maxBytes,
  extensions: [...l.extensions],
  ...(l.maxSeconds === undefined ? {} : { maxSeconds: l.maxSeconds }),
});
const limitsOf = (kind: "temporary" | "permanent") => {
  const m = mediaLimits[kind];
  return {
    image: limitView(m.image),
    voice: limitView(m.voice),
    video: limitView(m.video),
    thumb: limitView(m.thumb),
  };
};

const uploadForm = z.object({
  media: z.string().describe("The file (binary); its name's extension must match its format."),
  title: z.string().optional().describe("Permanent videos: the title (required)."),
  introduction: z.string().optional().describe("Permanent videos: the introduction."),
});

const REFUSALS =
  "Checked before WeChat is called, with WeChat's own rules; refusals carry `details.reason` (and `details.errcode`, WeChat's code for it): `media_type`, `media_missing`, `file_type` (extension or content), `file_too_large` (413, `details.limit`), `voice_too_long` (over 60 s), `count_limit` (permanent limit reached), `video_description`.";

/** The materials module's routes. */
export function materialsRoutes(service: MaterialsService): Route[] {
  const uploadRoute = (kind: "temporary" | "permanent", url: string, summary: string) =>
    defineRoute({
      method: "POST",
      url,
      action: "materials.manage",
      account: (p) => p.appid,
      tags: ["materials"],
      summary,
      description: `Send the file as multipart/form-data under \`media\`. ${REFUSALS}`,
      params: appid,
      query: z.object({ type: mediaType }),
      upload: uploadForm,
      response: itemView,
      status: 201,
      async handler({ params, query, request }) {
        const cap = service.maxBytes(kind, query.type);
        if (cap === undefined) throw errors.validation("unknown media type");
        const upload = await receiveUpload(request, cap);
        return kind === "temporary"
          ? service.uploadTemporary(params.appid, query.type, upload)
          : service.addPermanent(params.appid, query.type, upload);
      },
    });

  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/materials",
      action: "materials.read",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "The account's media and materials on record, newest first",
      description:
        "Permanent materials made elsewhere appear after `POST …/materials/sync`. Expired temporary media are left out.",
      params: appid,
      query: z.object({
        type: z.enum(["image", "voice", "video", "thumb", "news"]).optional(),
        kind: z.enum(["temporary", "permanent"]).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        after: z.string().max(200).optional().describe("`next` of the previous page."),
      }),
      response: z.object({ items: z.array(itemView), next: z.string().nullable() }),
      handler: ({ params, query }) => service.list(params.appid, query),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/materials/limits",
      action: "materials.read",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "What WeChat accepts: sizes, formats and play time by type",
      params: appid,
      response: z.object({ temporary: kindLimits, permanent: kindLimits, temporaryDays: z.number().int() }),
      handler: async () => ({
        temporary: limitsOf("temporary"),
        permanent: limitsOf("permanent"),
        temporaryDays: 3,
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/materials/counts",
      action: "materials.read",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "WeChat's counts of permanent materials, with each list's limit",
      params: appid,
      response: z.object(
        Object.fromEntries(
          listType.options.map((t) => [t, z.object({ count: z.number().int(), limit: z.number().int() })]),
        ) as Record<z.infer<typeof listType>, z.ZodObject<{ count: z.ZodNumber; limit: z.ZodNumber }>>,
      ),
      handler: ({ params }) => service.counts(params.appid),
    }),
    uploadRoute("temporary", "/accounts/:appid/materials/media", "Upload a temporary media (valid 3 days)"),
    uploadRoute("permanent", "/accounts/:appid/materials", "Add a permanent material"),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/materials/news",
      action: "materials.manage",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "Add a permanent news item (1–8 articles)",
      description:
        "Covers must be permanent images or thumbs of the account. Refusals: `news_invalid`, `news_too_many` (over 8), `news_too_long` (title over 64 characters, author over 8, digest over 120, content over 20,000), `thumb_unknown`, `count_limit`.",
      params: appid,
      body: z.object({ articles: z.array(z.record(z.string(), z.unknown())).max(100) }),
      response: itemView,
      status: 201,
      handler: ({ params, body }) => service.addNews(params.appid, body),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/materials/sync",
      action: "materials.manage",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "Bring the record of one list in line with WeChat's (batchget_material)",
      params: appid,
      body: z.object({ type: listType }),
      response: z.object({ added: z.number().int(), removed: z.number().int(), total: z.number().int() }),
      handler: ({ params, body }) => service.sync(params.appid, body.type),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/materials/:mediaId",
      action: "materials.manage",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "Delete a material (at WeChat too when permanent)",
      params: oneItem,
      async handler({ params }) {
        await service.delete(params.appid, params.mediaId);
        return undefined;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/materials/:mediaId/content",
      action: "materials.read",
      account: (p) => p.appid,
      tags: ["materials"],
      summary: "The file of an image, thumb or voice, fetched from WeChat (previews)",
      params: oneItem,
      async handler({ params, reply }) {
        const file = await service.content(params.appid, params.mediaId);
        void reply.code(200).type(file.contentType).send(file.body);
        return undefined;
      },
    }),
  ];
}
