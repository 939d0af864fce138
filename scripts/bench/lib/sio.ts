// A listening socket that speaks Engine.IO v4 / Socket.IO v5 over a bare WebSocket. The callback
// scenarios receive two pushes per callback at tens of thousands a second; socket.io-client
// decodes every frame into objects, which made the generator, not the server, the bottleneck.
// Here a frame stays a Buffer: the load finds what it needs in it by byte search.
import WebSocket from 'ws';

// Engine.IO packet types are the first character; Socket.IO's follow inside a message ('4').
const OPEN = 0x30; // '0'
const CLOSE = 0x31; // '1'
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '40'
const SIO_DISCONNECT = 0x31; // '41'
const SIO_EVENT = 0x32; // '42'
const SIO_ACK = 0x33; // '43'
const SIO_CONNECT_ERROR = 0x34; // '44'

/** Called with the whole frame (`42["<event>",…]`) of each event of the name it was registered for. */
export type FrameHandler = (frame: Buffer) => void;

export class RawSocket {
  private readonly handlers = new Map<string, { prefix: Buffer; handler: FrameHandler }>();
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private nextAck = 0;
  connected = false;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.onFrame(data);
    });
    ws.on('close', () => {
      this.connected = false;
    });
  }

  /** One handler per event name; `null` removes it. */
  onEvent(event: string, handler: FrameHandler | null): void {
    if (handler) this.handlers.set(event, { prefix: Buffer.from(`42${JSON.stringify([event]).slice(0, -1)},`), handler });
    else this.handlers.delete(event);
  }

  /** `emitWithAck` with a timeout: resolves with the server's first acknowledgement argument. */
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`${event}: no acknowledgement in ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, (args) => {
        clearTimeout(timer);
        resolve(args[0]);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN && this.connected) this.ws.send('41');
    this.connected = false;
    this.ws.close();
  }

  private onFrame(frame: Buffer): void {
    const type = frame[0];
    if (type === MESSAGE) {
      if (frame[1] === SIO_EVENT) {
        for (const { prefix, handler } of this.handlers.values()) {
          if (frame.length > prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) {
            handler(frame);
            return;
          }
        }
      } else if (frame[1] === SIO_ACK) {
        const text = frame.toString('utf8', 2);
        const bracket = text.indexOf('[');
        const id = Number(text.slice(0, bracket));
        const resolve = this.acks.get(id);
        if (resolve) {
          this.acks.delete(id);
          resolve(JSON.parse(text.slice(bracket)) as unknown[]);
        }
      } else if (frame[1] === SIO_DISCONNECT) {
        this.connected = false;
      }
    } else if (type === PING) {
      this.ws.send('3');
    } else if (type === CLOSE) {
      this.connected = false;
    }
  }
}

/**
 * Opens `ws://host/socket.io/?EIO=4&transport=websocket`, waits for the Engine.IO open packet,
 * connects to the main namespace with `auth` and resolves once the server accepts it.
 */
export function openSocket(url: string, auth: Record<string, string>, timeoutMs = 10_000): Promise<RawSocket> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  return new Promise((resolve, reject) => {
    // No compression and no UTF-8 validation of incoming text: neither is what is measured.
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, skipUTF8Validation: true });
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`socket connect: ${why}`));
    };
    const timer = setTimeout(() => fail(`no connection in ${timeoutMs} ms`), timeoutMs);
    ws.on('error', (error) => fail(error.message));
    ws.on('close', () => fail('closed during the handshake'));
    const handshake = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      if (data[0] === OPEN) {
        ws.send(`40${JSON.stringify(auth)}`);
      } else if (data[0] === PING) {
        ws.send('3');
      } else if (data[0] === MESSAGE && data[1] === SIO_CONNECT) {
        settled = true;
        clearTimeout(timer);
        ws.off('message', handshake);
        ws.removeAllListeners('close');
        const socket = new RawSocket(ws);
        socket.connected = true;
        resolve(socket);
      } else if (data[0] === MESSAGE && data[1] === SIO_CONNECT_ERROR) {
        let message = data.toString('utf8', 2);
        try {
          message = String((JSON.parse(message) as { message?: unknown }).message ?? message);
        } catch {
          // not JSON: keep the text
        }
        fail(message);
      }
    };
    ws.on('message', handshake);
  });
}
