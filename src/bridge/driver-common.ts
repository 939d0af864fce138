// What the WAHA and Evolution drivers share: how the hub's content types map to their sends,
// and how long a login QR is shown.
import { BridgeError, type SendRequest } from '../messages/bridge-port.js';

/** WhatsApp rotates the login QR about every 20 seconds; a shown code is stale after that. */
export const LOGIN_QR_TTL_MS = 20_000;

/** Send endpoints per content type (text and link cards go as text). */
export const SEND_PATHS = {
  waha: { '2': '/api/sendImage', '3': '/api/sendVoice', '4': '/api/sendVideo', '5': '/api/sendFile' } as Record<string, string | undefined>,
  evolution: { '2': 'image', '4': 'video', '5': 'document' } as Record<string, string | undefined>,
};

/** A media reply's content is the URL the bridge downloads it from. */
export function mediaUrlOf(request: SendRequest): string {
  let url: URL;
  try {
    url = new URL(request.content);
  } catch {
    throw new BridgeError(`content type ${request.contentType} needs a media URL as content`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BridgeError(`content type ${request.contentType} needs an http(s) media URL`, false);
  return url.toString();
}

/** The hub's contentType for a media MIME type: image 2, voice 3, video 4, any other file 5. */
export function contentTypeOfMime(mimetype: string | undefined): string {
  if (mimetype?.startsWith('image/')) return '2';
  if (mimetype?.startsWith('audio/')) return '3';
  if (mimetype?.startsWith('video/')) return '4';
  return '5';
}
