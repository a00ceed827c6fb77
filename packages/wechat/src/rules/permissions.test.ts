import { describe, expect, it } from "vitest";
import {
  comparePermissionSets,
  defaultMinimumPermissionSets,
  permissionSetName,
  permissionSets,
} from "./permissions.js";

describe("permission sets", () => {
  it("lists every documented id once", () => {
    const ids = permissionSets.map((set) => set.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 22, 23, 24, 26, 27, 33, 34, 54, 89,
      ]),
    );
    expect(ids).toEqual(expect.arrayContaining([17, 18, 19, 25, 30, 31, 37, 40, 45, 49, 51, 52]));
    expect(ids).toHaveLength(35);
  });

  it("separates official account and mini program sets", () => {
    const scope = (id: number) => permissionSets.find((set) => set.id === id)?.appliesTo;
    expect(scope(15)).toBe("official");
    expect(scope(24)).toBe("official");
    expect(scope(25)).toBe("miniprogram");
    expect(scope(30)).toBe("miniprogram");
  });

  it("names sets in Chinese and knows nothing of undocumented ids", () => {
    expect(permissionSetName(1)).toBe("消息管理");
    expect(permissionSetName(7)).toBe("群发与通知");
    expect(permissionSetName(15)).toBe("自定义菜单");
    expect(permissionSetName(17)).toBe("获取小程序码");
    expect(permissionSetName(14)).toBeUndefined();
    expect(permissionSetName(0)).toBeUndefined();
  });

  it("has the default minimum sets, each a documented set of the right scope", () => {
    expect(defaultMinimumPermissionSets.official).toEqual([1, 2, 3, 7, 8, 11, 15]);
    expect(defaultMinimumPermissionSets.miniprogram).toEqual([17, 19, 30]);
    for (const [scope, ids] of Object.entries(defaultMinimumPermissionSets)) {
      for (const id of ids) {
        expect(permissionSets.find((set) => set.id === id)?.appliesTo).toBe(scope);
      }
    }
  });
});

describe("comparePermissionSets", () => {
  it("reports the required sets that were not granted", () => {
    expect(comparePermissionSets([15, 1, 2, 4], [1, 2, 3, 7, 8, 11, 15])).toEqual({
      granted: [1, 2, 4, 15],
      required: [1, 2, 3, 7, 8, 11, 15],
      missing: [3, 7, 8, 11],
    });
  });

  it("finds nothing missing when everything required is granted, extras included", () => {
    expect(comparePermissionSets([1, 2, 3, 7, 8, 11, 15, 24], [1, 2, 3, 7, 8, 11, 15]).missing).toEqual([]);
  });

  it("reports every required set missing when nothing was granted", () => {
    expect(comparePermissionSets([], [30, 17, 19]).missing).toEqual([17, 19, 30]);
  });

  it("sorts and de-duplicates its inputs", () => {
    expect(comparePermissionSets([3, 3, 1], [2, 2, 1])).toEqual({
      granted: [1, 3],
      required: [1, 2],
      missing: [2],
    });
  });

  it("requires nothing when the required list is empty", () => {
    expect(comparePermissionSets([1], []).missing).toEqual([]);
  });
});
