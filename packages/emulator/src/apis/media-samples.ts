/**
 * Small files of each format WeChat takes, with the right first bytes (the upload rules look
 * at them), for tests and demos. `size` pads the file with zeros up to that many bytes.
 */
export const mediaSamples = {
  jpg: (size = 1024) => padded([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii("JFIF"), 0x00], size),
  png: (size = 1024) => padded([0x89, ...ascii("PNG"), 0x0d, 0x0a, 0x1a, 0x0a], size),
  gif: (size = 1024) => padded(ascii("GIF89a"), size),
  mp4: (size = 4096) => padded([0x00, 0x00, 0x00, 0x18, ...ascii("ftypmp42")], size),
  mp3: (size = 4096) => padded([...ascii("ID3"), 0x03, 0, 0, 0, 0, 0, 0], size),
  /** AMR-NB at 12.2 kbit/s (32-byte frames of 20 ms): `seconds` long. */
  amr: (seconds: number) => {
    const frames = Math.round(seconds / 0.02);
    const out = Buffer.alloc(6 + frames * 32);
    out.write("#!AMR\n", 0, "latin1");
    for (let i = 0; i < frames; i++) out[6 + i * 32] = 0x3c; // mode 7 header
    return out;
  },
};

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function padded(head: number[], size: number): Buffer {
  const out = Buffer.alloc(Math.max(size, head.length));
  Buffer.from(head).copy(out);
  return out;
}
