import type { IdGenerator } from "../ids.js";
import { createAccount, createFollower, createPlatform, createTag } from "./factory.js";
import type { World } from "./world.js";

const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "赵",
  "吴",
  "周",
  "徐",
  "孙",
  "马",
  "朱",
  "胡",
  "郭",
];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "磊",
  "洋",
  "艳",
  "勇",
  "军",
  "杰",
  "涛",
  "明",
  "超",
  "霞",
  "平",
  "刚",
  "丽",
];
const SCENES = [
  "ADD_SCENE_SEARCH",
  "ADD_SCENE_QR_CODE",
  "ADD_SCENE_PROFILE_CARD",
  "ADD_SCENE_ACCOUNT_MIGRATION",
  "ADD_SCENE_OTHERS",
];
const PRINCIPAL = "示例科技有限公司";
const DAY_MS = 86_400_000;

/** What the demo preset created, for the CLI banner and the sandbox. */
export interface DemoIds {
  componentAppId: string;
  serviceAppId: string;
  subscriptionAppId: string;
  miniProgramAppId: string;
}

/** The demo preset's extension key in the world (so a snapshot remembers which accounts are the demo ones). */
export const DEMO_EXTENSION = "demo";

/**
 * One platform, a verified service account, an unverified subscription account and a mini
 * program of one principal, each with a few hundred followers (many the same people, so
 * their UnionIDs match) and tags. Deterministic for a given seed.
 */
export function loadDemoPreset(world: World, ids: IdGenerator, now: number): DemoIds {
  const prng = ids.prng;
  const platform = createPlatform(world, ids, now, { name: "示例第三方平台" });
  const service = createAccount(world, ids, now, {
    kind: "service",
    verifyType: 0,
    nickname: "示例服务号",
    principalName: PRINCIPAL,
    alias: "demo_service",
  });
  const subscription = createAccount(world, ids, now, {
    kind: "subscription",
    verifyType: -1,
    nickname: "示例订阅号",
    principalName: PRINCIPAL,
  });
  const mini = createAccount(world, ids, now, {
    kind: "miniprogram",
    verifyType: 0,
    nickname: "示例小程序",
    principalName: PRINCIPAL,
  });
  const people = Array.from({ length: 400 }, (_, i) => ({
    personId: `demo_person_${i}`,
    nickname: `${prng.pick(SURNAMES)}${prng.pick(GIVEN)}${prng.next() < 0.5 ? prng.pick(GIVEN) : ""}`,
  }));
  const plan: [typeof service, number, string[]][] = [
    [service, 320, ["VIP客户", "潜在客户", "北京", "上海", "活动参与者"]],
    [subscription, 240, ["忠实读者", "新关注"]],
    [mini, 180, ["活跃用户", "已下单"]],
  ];
  for (const [account, count, tagNames] of plan) {
    const tags = tagNames.map((name) => createTag(world, account.appId, name));
    const start = prng.int(0, people.length - 1);
    for (let i = 0; i < count; i++) {
      const person = people[(start + i) % people.length]!;
      const tagIds = tags.filter(() => prng.next() < 0.2).map((t) => t.id);
      createFollower(world, ids, now, account.appId, {
        personId: person.personId,
        nickname: person.nickname,
        subscribed: prng.next() > 0.05,
        subscribeTime: now - prng.int(1, 720) * DAY_MS,
        subscribeScene: prng.pick(SCENES),
        tagIds,
      });
    }
  }
  const demo: DemoIds = {
    componentAppId: platform.componentAppId,
    serviceAppId: service.appId,
    subscriptionAppId: subscription.appId,
    miniProgramAppId: mini.appId,
  };
  world.state.extensions[DEMO_EXTENSION] = demo;
  return demo;
}
