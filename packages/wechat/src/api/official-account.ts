import type { WeChatClient } from "../client/index.js";
import { type CustomMessageApi, createCustomMessageApi } from "./custom-message.js";
import { type CustomerServiceApi, createCustomerServiceApi } from "./customer-service.js";
import { createMassMessageApi, type MassMessageApi } from "./mass-message.js";
import { createMaterialApi, type MaterialApi } from "./material.js";
import { createMenuApi, type MenuApi } from "./menu.js";
import { createQrCodeApi, type QrCodeApi } from "./qrcode.js";
import { createQuotaApi, type QuotaApi } from "./quota.js";
import { createSubscribeMessageApi, type SubscribeMessageApi } from "./subscribe-message.js";
import { createTagsApi, type TagsApi } from "./tags.js";
import { createTemplateMessageApi, type TemplateMessageApi } from "./template-message.js";
import { createUserApi, type UserApi } from "./user.js";

/** The APIs of one official account (or mini program), grouped as WeChat's documentation groups them. */
export interface OfficialAccountApi {
  menu: MenuApi;
  qrcode: QrCodeApi;
  user: UserApi;
  tags: TagsApi;
  message: {
    custom: CustomMessageApi;
    template: TemplateMessageApi;
    mass: MassMessageApi;
    subscribe: SubscribeMessageApi;
  };
  quota: QuotaApi;
  material: MaterialApi;
  customerService: CustomerServiceApi;
}

/**
 * Every account API over `client`, whose token provider is the account's access token
 * (its own, or the authorizer_access_token a platform holds for it).
 */
export function createOfficialAccountApi(client: WeChatClient): OfficialAccountApi {
  return {
    menu: createMenuApi(client),
    qrcode: createQrCodeApi(client),
    user: createUserApi(client),
    tags: createTagsApi(client),
    message: {
      custom: createCustomMessageApi(client),
      template: createTemplateMessageApi(client),
      mass: createMassMessageApi(client),
      subscribe: createSubscribeMessageApi(client),
    },
    quota: createQuotaApi(client),
    material: createMaterialApi(client),
    customerService: createCustomerServiceApi(client),
  };
}
