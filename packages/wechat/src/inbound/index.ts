export { PushEndpoint } from "./endpoint.js";
export { openReply, sealPush } from "./sender.js";
export type {
  OpenedPush,
  OpenedReply,
  OpenReplyOptions,
  PushEndpointOptions,
  PushMode,
  PushQuery,
  ReplyInput,
  SealedPush,
  SealOptions,
  SealPushOptions,
} from "./types.js";
