import { z } from "zod";
import type { ActionCatalog } from "../platform/policy.js";
import type { Route } from "./route.js";

export const API_PREFIX = "/api/v1";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** Splits an object schema into OpenAPI parameters (`in: path` or `in: query`). */
function parameters(schema: z.ZodType | undefined, location: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input");
  const properties = (object["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object["required"] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    ...(typeof property["description"] === "string" ? { description: property["description"] } : {}),
    schema: property,
  }));
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "requestId"],
      properties: {
        code: { type: "string", description: "Stable machine-readable code, e.g. validation_failed." },
        message: { type: "string" },
        details: {},
        requestId: { type: "string" },
      },
    },
  },
};

/** The 429 of a route with rate limits, naming each limit as configured. */
function rateLimitedResponse(route: Route): JsonSchema {
  const limits = route.rateLimits.map((l) => `${l.name}: ${l.max} per ${l.windowMs / 1000} s`).join("; ");
  return {
    description: `\`rate_limited\` (\`details.reason\` names the limit) — ${limits}`,
    headers: {
      "retry-after": {
        description: "Seconds until the limit lets a call through.",
        schema: { type: "integer" },
      },
    },
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiInfo {
  title: string;
  version: string;
  serverUrl: string;
  /** The mounted modules' actions: each operation shows its action and the scope that grants it. */
  actions: ActionCatalog;
}

/** The OpenAPI 3.1 document of the routes, built from their zod schemas. */
export function buildOpenApiDocument(routes: readonly Route[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = API_PREFIX + route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    // The scope an API key needs, as keys are given scopes: the narrowest granting the action.
    const scope = route.action === "public" ? "public" : info.actions.scopeOf(route.action);
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.tags ? { tags: route.tags } : {}),
      ...(route.action === "public" ? {} : { "x-wxgate-action": route.action }),
      "x-wxgate-scope": scope,
      security:
        scope === "public" ? [] : scope === "session" ? [{ session: [] }] : [{ apiKey: [] }, { session: [] }],
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      responses: {
        [String(route.status)]: route.response
          ? {
              description: "OK",
              content: { "application/json": { schema: jsonSchema(route.response, "output") } },
            }
          : { description: "No content" },
        ...(route.rateLimits.length > 0 ? { "429": rateLimitedResponse(route) } : {}),
        default: {
          description: "Error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
    if (route.body) {
      operation["requestBody"] = {
        required: true,
        content: { "application/json": { schema: jsonSchema(route.body, "input") } },
      };
    }
    if (route.upload) {
      operation["requestBody"] = {
        required: true,
        content: { "multipart/form-data": { schema: jsonSchema(route.upload, "input") } },
      };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key: `Authorization: Bearer wxg_…`" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "wxgate_session",
          description: "The console session; unsafe methods also need the `x-csrf-token` header.",
        },
      },
    },
  };
}
