// Which image formats the hub stores and serves. Decided from the bytes, not only the bridge's
// header, so a mislabelled file is never served as something a browser would run (no SVG).

export interface ImageKind {
  contentType: string;
  ext: string;
}

const KINDS: Record<string, ImageKind> = {
  png: { contentType: 'image/png', ext: 'png' },
  jpg: { contentType: 'image/jpeg', ext: 'jpg' },
  gif: { contentType: 'image/gif', ext: 'gif' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  bmp: { contentType: 'image/bmp', ext: 'bmp' },
};

export const MEDIA_FILE_PATTERN = `^[1-9][0-9]{0,15}-[0-9a-f]{16}\\.(${Object.keys(KINDS).join('|')})$`;

export function sniffImage(bytes: Buffer): ImageKind | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return KINDS.png;
  if (starts(0xff, 0xd8, 0xff)) return KINDS.jpg;
  if (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a') return KINDS.gif;
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return KINDS.webp;
  if (starts(0x42, 0x4d) && bytes.length > 14) return KINDS.bmp;
  return undefined;
}
