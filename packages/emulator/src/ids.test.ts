import { describe, expect, it } from "vitest";
import { IdGenerator, Prng } from "./ids.js";

describe("Prng", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = new Prng("seed");
    const b = new Prng("seed");
    const c = new Prng("other");
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it("resumes from a saved state", () => {
    const a = new Prng(1);
    a.nextUint32();
    const saved = a.state;
    const next = a.nextUint32();
    const b = new Prng(99);
    b.state = saved;
    expect(b.nextUint32()).toBe(next);
  });

  it("int stays within bounds", () => {
    const p = new Prng(7);
    for (let i = 0; i < 1000; i++) {
      const n = p.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });
});

describe("IdGenerator", () => {
  const ids = new IdGenerator("formats");

  it("produces WeChat's formats", () => {
    const token = ids.accessToken();
    expect(token).toMatch(/^\d{2}_[A-Za-z0-9_-]+$/);
    expect(token.length).toBeGreaterThanOrEqual(100);
    expect(token.length).toBeLessThanOrEqual(512);
    expect(ids.openId()).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(ids.unionId()).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(ids.appId()).toMatch(/^wx[0-9a-f]{16}$/);
    expect(ids.originalId()).toMatch(/^gh_[0-9a-f]{12}$/);
    expect(ids.secret()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.encodingAESKey()).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(ids.rid(Date.UTC(2024, 0, 1))).toMatch(/^65920080-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(ids.verifyTicket()).toMatch(/^ticket@@@/);
    expect(ids.preAuthCode()).toMatch(/^preauthcode@@@/);
    expect(ids.authCode()).toMatch(/^queryauthcode@@@/);
    for (let i = 0; i < 100; i++) {
      const msgId = ids.msgId();
      expect(msgId).toMatch(/^[1-9]\d{18}$/);
      expect(BigInt(msgId) < 2n ** 63n).toBe(true);
    }
  });

  it("gives the same ids for the same seed", () => {
    const a = new IdGenerator(42);
    const b = new IdGenerator("42");
    expect([a.accessToken(), a.openId(), a.appId()]).toEqual([b.accessToken(), b.openId(), b.appId()]);
  });
});
