import { describe, expect, it } from "vitest";
import { accountKindFromServiceType, accountStatus, isSuspendedStatus, isVerifiedType } from "./account.js";

describe("accountKindFromServiceType", () => {
  it("maps service_type_info ids of official accounts", () => {
    expect(accountKindFromServiceType(0, false)).toBe("subscription");
    expect(accountKindFromServiceType(1, false)).toBe("subscription");
    expect(accountKindFromServiceType(2, false)).toBe("service");
  });

  it("treats an undocumented service type as the kind with the fewest rights", () => {
    expect(accountKindFromServiceType(7, false)).toBe("subscription");
  });

  it("recognizes mini programs whatever their service type", () => {
    expect(accountKindFromServiceType(0, true)).toBe("miniprogram");
    expect(accountKindFromServiceType(2, true)).toBe("miniprogram");
  });
});

describe("isVerifiedType", () => {
  it("counts WeChat verification and qualification verification as verified", () => {
    expect(isVerifiedType(0)).toBe(true);
    expect(isVerifiedType(3)).toBe(true);
  });

  it("counts unverified and every Weibo verification as unverified", () => {
    for (const id of [-1, 1, 2, 4, 5]) expect(isVerifiedType(id), `verify_type ${id}`).toBe(false);
  });
});

describe("account status", () => {
  it("has WeChat's values", () => {
    expect(accountStatus).toEqual({ normal: 1, cancelled: 14, banned: 16, warned: 18, frozen: 19 });
  });

  it("suspends cancelled, banned and frozen accounts but not warned ones", () => {
    expect(isSuspendedStatus(14)).toBe(true);
    expect(isSuspendedStatus(16)).toBe(true);
    expect(isSuspendedStatus(19)).toBe(true);
    expect(isSuspendedStatus(18)).toBe(false);
    expect(isSuspendedStatus(1)).toBe(false);
  });
});
