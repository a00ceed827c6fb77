/*
 * WeChat's documented numbers, as defaults. wxgate and its emulator read them from here
 * so both enforce the same values; deployments may override them through settings.
 */

/** access_token and stable_token. */
export const tokenLimits = {
  expiresInSeconds: 7200,
  /** After a refresh the previous token stays valid this long. */
  overlapSeconds: 300,
  /** `/cgi-bin/token` calls a day; then 45009. */
  dailyCalls: 2000,
  testAccountDailyCalls: 200,
  stableForceRefreshPerDay: 20,
  stableForceRefreshMinIntervalSeconds: 30,
  /** stable_token in normal mode keeps returning the current token until this close to expiry. */
  stableMinExpiresInSeconds: 300,
  stableCallsPerMinute: 10_000,
  stableCallsPerDay: 500_000,
  /** Storage must hold tokens of this many characters. */
  maxLength: 512,
} as const;

/** The third-party platform (component). */
export const componentLimits = {
  ticketPushIntervalSeconds: 600,
  ticketValiditySeconds: 43_200,
  /** Uncertain: sources say 600 or 1800 seconds; a setting. */
  preAuthCodeValiditySeconds: 600,
  authCodeValiditySeconds: 600,
  componentTokenExpiresInSeconds: 7200,
  authorizerTokenExpiresInSeconds: 7200,
  /** An account may authorize at most this many platforms. */
  maxPlatformsPerAccount: 15,
} as const;

/** Custom menus. Sizes are UTF-8 bytes (a Chinese character is 3). */
export const menuLimits = {
  buttons: { min: 1, max: 3 },
  subButtons: { min: 1, max: 5 },
  nameBytes: 16,
  /** Older documentation says 40. */
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
  buttonTypes: [
    "click",
    "view",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
    "media_id",
    "article_id",
    "article_view_limited",
    "miniprogram",
  ],
  /** Old clients cache a menu up to this long. */
  clientCacheSeconds: 86_400,
} as const;

/** Parametric QR codes. */
export const qrLimits = {
  tempMaxExpireSeconds: 2_592_000,
  tempDefaultExpireSeconds: 60,
  /** Permanent codes take scene_id 1..100000. */
  sceneIdMax: 100_000,
  /** Temporary codes take any non-zero 32-bit scene_id; read as unsigned (uncertain). */
  tempSceneIdMax: 4_294_967_295,
  sceneStrMaxChars: 64,
  permanentMax: 100_000,
  dailyCreations: 100_000,
} as const;

/** Customer-service, template, mass and subscription messages; follower paging. */
export const sendingLimits = {
  /** After a user message: 5 messages within 48 hours. */
  customAfterMessage: { count: 5, windowSeconds: 172_800 },
  /** After a menu click, follow or QR scan: 3 messages within 1 minute. */
  customAfterEvent: { count: 3, windowSeconds: 60 },
  templatesPerAccount: 25,
  templateDaily: 100_000,
  massSubscriptionPerDay: 1,
  massServicePerUserPerMonth: 4,
  massRequestsPerMinute: 60,
  clearQuotaPerMonth: 10,
  usersPerPage: 10_000,
  batchGetMax: 100,
  /** Articles in a passive news reply since 2018; more gives 45008. */
  newsArticlesMax: 1,
} as const;

/** Message push (callbacks). */
export const pushLimits = {
  /** WeChat waits this long for an answer before retrying. */
  replyTimeoutSeconds: 5,
  /** Tries in all, the first included. */
  attempts: 3,
  /** A customer-service session closes after this long without activity. */
  customerServiceSessionIdleSeconds: 1800,
} as const;

/** 微信认证 (verification). Money in CNY. */
export const verificationLimits = {
  feeCny: 300,
  validityDays: 365,
  annualReviewReminderMonths: 3,
  firstModificationFeeCny: 0,
  modificationFeeCny: 200,
  reviewWorkingDays: 15,
  maxRejectedSubmissions: 3,
  resubmitWithinDays: 30,
} as const;

/** Followers and tags (user management, permission set 2). */
export const followerLimits = {
  /** `user/info/updateremark`: characters of a remark (45003 beyond). */
  remarkMaxChars: 30,
  /** Tags an account may create (WeChat's own 0, 1, 2 not counted) → 45056 beyond. */
  tagsPerAccount: 100,
  /** UTF-8 bytes of a tag name → 45158 beyond. */
  tagNameBytes: 30,
  /** OpenIDs per batchtagging / batchuntagging call → 40032 beyond. */
  openIdsPerTagCall: 50,
  /** Tags one follower may carry → 45059 beyond. */
  tagsPerFollower: 20,
  /** Ids below this are WeChat's own (黑名单, 屏蔽组, 星标组): not editable (45058). */
  firstOwnTagId: 100,
} as const;
