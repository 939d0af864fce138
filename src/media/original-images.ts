// Fetches an image message's original from the bridge once and keeps it under MEDIA_DIR.
// In one process, concurrent requests for the same message share one fetch (single flight);
// across processes the unique media_files.message_id decides whose file is kept.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeError, type BridgePort } from '../messages/bridge-port.js';
import { unavailable } from '../http/errors.js';
import type { Clock } from '../time.js';
import { sniffImage } from './image-types.js';
import type { MediaFileRow, MediaRepository } from './media.repository.js';

/** Originals larger than this are refused rather than kept. */
export const MAX_ORIGINAL_BYTES = 25 * 1024 * 1024;

export interface OriginalImagesDeps {
  media: MediaRepository;
  bridge: Pick<BridgePort, 'fetchMedia'>;
  mediaDir: string;
  clock: Clock;
}

export interface ImageMessage {
  id: number;
  phone: string;
  mediaRef: string;
}

export function createOriginalImages(deps: OriginalImagesDeps) {
  const inflight = new Map<number, Promise<MediaFileRow>>();

  async function fetchAndStore(message: ImageMessage): Promise<MediaFileRow> {
    let file;
    try {
      file = await deps.bridge.fetchMedia(message.phone, message.mediaRef);
    } catch (error) {
      if (error instanceof BridgeError) throw unavailable('bridge', error.message);
      throw unavailable('bridge', 'media fetch failed');
    }
    if (file.body.length === 0) throw unavailable('bridge', 'answered an empty file');
    if (file.body.length > MAX_ORIGINAL_BYTES) throw unavailable('bridge', `answered a file over ${MAX_ORIGINAL_BYTES} bytes`);
    const kind = sniffImage(file.body);
    if (!kind) throw unavailable('bridge', `answered ${file.contentType}, not a supported image`);

    const fileName = `${message.id}-${randomBytes(8).toString('hex')}.${kind.ext}`;
    await mkdir(deps.mediaDir, { recursive: true });
    // Write then rename: a reader never sees a half-written file under its final name.
    const temp = join(deps.mediaDir, `.${fileName}.tmp`);
    await writeFile(temp, file.body);
    await rename(temp, join(deps.mediaDir, fileName));
    const { row, inserted } = await deps.media.record({
      messageId: message.id,
      fileName,
      contentType: kind.contentType,
      size: file.body.length,
      createdAt: deps.clock.now(),
    });
    if (!inserted) await unlink(join(deps.mediaDir, fileName)).catch(() => undefined);
    return row;
  }

  return {
    /** The stored original of an image message, fetching it first if needed. */
    async ensure(message: ImageMessage): Promise<MediaFileRow> {
      const stored = await deps.media.byMessage(message.id);
      if (stored) {
        if (existsSync(join(deps.mediaDir, stored.fileName))) return stored;
        await deps.media.forget(message.id);
      }
      let pending = inflight.get(message.id);
      if (!pending) {
        pending = fetchAndStore(message).finally(() => inflight.delete(message.id));
        inflight.set(message.id, pending);
      }
      return pending;
    },

    pathOf(fileName: string): string {
      return join(deps.mediaDir, fileName);
    },
  };
}

export type OriginalImages = ReturnType<typeof createOriginalImages>;
