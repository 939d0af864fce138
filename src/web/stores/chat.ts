// The open conversation: its messages oldest first, sends with their status, history paging.
// A reply is a bubble at once (pending, keyed by its clientMsgId); the ack gives it the hub's
// msgId; `message:updated` moves it on (sent → delivered → read, or failed).
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, triggerRef } from 'vue';
import type { Ack, MessageNewPayload, MessageSendInput, MessageStatus, MessageUpdatedPayload } from '../../realtime/events';
import type { HistoryItem } from '../api/types';

export interface ChatMessage {
  /** Stable key for the list: the clientMsgId of our own sends, else the msgId. */
  key: string;
  msgId: string | null;
  clientMsgId: string | null;
  contentType: string;
  content: string;
  sendTimeMs: number;
  sender: 0 | 1;
  status: MessageStatus;
  contReadState: '0' | '1';
  thumb?: string | null;
  reason?: string | null;
  /** The text as sent before translation (outgoing), or the translation (incoming). */
  translation?: string | null;
}

export interface ChatTransport {
  send(input: MessageSendInput): Promise<Ack<{ msgId: string; status: MessageStatus }>>;
}

export interface OpenTarget {
  custServId: string;
  receId: string;
  accountId: string;
  receName: string;
}

/** Only forward moves: a late `sent` never overwrites `delivered`; failed/recalled are final. */
const RANK: Record<MessageStatus, number> = { received: 0, pending: 1, sent: 2, delivered: 3, read: 4, failed: 5, recalled: 6 };
export function advances(from: MessageStatus, to: MessageStatus): boolean {
  if (from === 'failed' || from === 'recalled') return to === 'recalled' && from !== 'recalled';
  return RANK[to] > RANK[from];
}

let localCounter = 0;
export function newClientMsgId(): string {
  localCounter += 1;
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `web-${random}-${localCounter}`;
}

export const useChatStore = defineStore('chat', () => {
  const target = ref<OpenTarget | null>(null);
  /**
   * Oldest first. The list is a shallowRef (inserts trigger it explicitly, the array is not
   * proxied); each message is reactive on its own, so a status change re-renders one bubble.
   */
  const messages = shallowRef<ChatMessage[]>([]);
  const byMsgId = new Map<string, ChatMessage>();
  /** Updates that arrived before the ack told us which bubble they belong to. */
  const early = new Map<string, MessageUpdatedPayload>();
  let transport: ChatTransport | null = null;

  const version = ref(0);
  function touched(): void {
    version.value += 1;
    triggerRef(messages);
  }

  function useTransport(t: ChatTransport): void {
    transport = t;
  }

  function open(next: OpenTarget | null): void {
    target.value = next;
    messages.value = [];
    byMsgId.clear();
    early.clear();
    touched();
  }

  function fromHistory(item: HistoryItem): ChatMessage {
    return { key: `m${item.msgId}`, msgId: item.msgId, clientMsgId: null, contentType: item.contentType, content: item.content, sendTimeMs: item.sendTimeMs, sender: item.sender, status: item.status, contReadState: item.contReadState, thumb: item.thumb ?? null };
  }

  /** Inserts keeping time order; most arrivals are newest, so search from the end. */
  function insert(plain: ChatMessage): ChatMessage {
    const message = reactive(plain) as ChatMessage;
    const list = messages.value;
    let at = list.length;
    while (at > 0 && list[at - 1]!.sendTimeMs > message.sendTimeMs) at -= 1;
    list.splice(at, 0, message);
    if (message.msgId) byMsgId.set(message.msgId, message);
    return message;
  }

  /** History pages (any order, any overlap): known messages are refreshed, new ones inserted. */
  function mergeHistory(items: HistoryItem[]): number {
    let added = 0;
    for (const item of items) {
      const known = byMsgId.get(item.msgId);
      if (known) {
        if (advances(known.status, item.status)) known.status = item.status;
        known.contReadState = item.contReadState;
        continue;
      }
      insert(fromHistory(item));
      added += 1;
    }
    touched();
    return added;
  }

  function applyStatus(message: ChatMessage, status: MessageStatus | undefined, reason?: string | null): void {
    if (status && advances(message.status, status)) {
      message.status = status;
      if (reason !== undefined) message.reason = reason;
    }
  }

  function applyMessageNew(payload: MessageNewPayload): void {
    if (!target.value || payload.receId !== target.value.receId) return;
    const pushed = payload.message;
    const known = byMsgId.get(pushed.msgId);
    if (known) {
      applyStatus(known, pushed.status);
      touched();
      return;
    }
    // Our own reply pushed before its ack: adopt the waiting bubble rather than show it twice.
    if (pushed.sender === 0) {
      const waiting = messages.value.find((m) => m.msgId === null && m.clientMsgId !== null && m.status === 'pending' && m.content === pushed.content && m.contentType === pushed.contentType);
      if (waiting) {
        waiting.msgId = pushed.msgId;
        byMsgId.set(pushed.msgId, waiting);
        applyStatus(waiting, pushed.status);
        touched();
        return;
      }
    }
    insert({ key: `m${pushed.msgId}`, msgId: pushed.msgId, clientMsgId: null, contentType: pushed.contentType, content: pushed.content, sendTimeMs: pushed.sendTimeMs, sender: pushed.sender, status: pushed.status, contReadState: pushed.contReadState, thumb: pushed.thumb ?? null });
    touched();
  }

  function applyUpdate(payload: MessageUpdatedPayload): void {
    if (!target.value || payload.receId !== target.value.receId) return;
    const known = byMsgId.get(payload.msgId);
    if (!known) {
      early.set(payload.msgId, payload);
      return;
    }
    applyStatus(known, payload.status, payload.reason);
    if (payload.contReadState) known.contReadState = payload.contReadState;
    touched();
  }

  /** Gives a bubble its msgId, folding in a pushed twin and any update that came first. */
  function attachMsgId(message: ChatMessage, msgId: string, status: MessageStatus): void {
    const twin = byMsgId.get(msgId);
    if (twin && twin !== message) {
      messages.value.splice(messages.value.indexOf(twin), 1);
      applyStatus(message, twin.status);
    }
    message.msgId = msgId;
    byMsgId.set(msgId, message);
    applyStatus(message, status);
    const update = early.get(msgId);
    if (update) {
      early.delete(msgId);
      applyStatus(message, update.status, update.reason);
    }
  }

  async function deliver(message: ChatMessage): Promise<void> {
    const open = target.value;
    if (!transport || !open) throw new Error('no conversation is open');
    let ack: Ack<{ msgId: string; status: MessageStatus }>;
    try {
      ack = await transport.send({ accountId: open.accountId, receId: open.receId, contentType: message.contentType, content: message.content, clientMsgId: message.clientMsgId! });
    } catch (error) {
      ack = { code: 0, msg: (error as Error).message || 'not sent: no connection' };
    }
    if (ack.code === 200 && ack.data) {
      attachMsgId(message, ack.data.msgId, ack.data.status);
    } else {
      message.status = 'failed';
      message.reason = ack.msg;
    }
    touched();
  }

  /** Sends text (or other content) into the open conversation; resolves once acked or failed. */
  function send(content: string, contentType = '1', translation: string | null = null, now = Date.now()): { message: ChatMessage; done: Promise<void> } {
    const clientMsgId = newClientMsgId();
    const message = insert({ key: clientMsgId, msgId: null, clientMsgId, contentType, content, sendTimeMs: now, sender: 0, status: 'pending', contReadState: '1', translation });
    touched();
    return { message, done: deliver(message) };
  }

  /**
   * Sends a failed reply again. Never acked: the same clientMsgId, so the hub sends it at most
   * once. Refused by the bridge (it has a msgId): a new send with a new clientMsgId.
   */
  function retry(key: string): Promise<void> | null {
    const message = messages.value.find((m) => m.key === key);
    if (!message || message.status !== 'failed' || message.sender !== 0) return null;
    if (message.msgId !== null) {
      messages.value.splice(messages.value.indexOf(message), 1);
      byMsgId.delete(message.msgId);
      const again = send(message.content, message.contentType, message.translation ?? null);
      return again.done;
    }
    message.status = 'pending';
    message.reason = null;
    touched();
    return deliver(message);
  }

  function setTranslation(key: string, translation: string): void {
    const message = messages.value.find((m) => m.key === key);
    if (message) {
      message.translation = translation;
      touched();
    }
  }

  const count = computed(() => {
    void version.value;
    return messages.value.length;
  });

  return { target, messages, version, count, useTransport, open, mergeHistory, applyMessageNew, applyUpdate, send, retry, setTranslation };
});
