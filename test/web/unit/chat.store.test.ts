// The chat store: send → ack → status transitions, pushes racing acks, retries, history merge.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ack, MessageNewPayload, MessageSendInput, MessageStatus } from '../../../src/realtime/events';
import type { HistoryItem } from '../../../src/web/api/types';
import { advances, useChatStore, type ChatTransport } from '../../../src/web/stores/chat';

type SendAck = Ack<{ msgId: string; status: MessageStatus }>;

/** A transport whose acks the test releases one by one. */
function controlledTransport() {
  const sent: MessageSendInput[] = [];
  const waiting: ((ack: SendAck) => void)[] = [];
  const failing: ((error: Error) => void)[] = [];
  const transport: ChatTransport = {
    send: (input) =>
      new Promise<SendAck>((resolve, reject) => {
        sent.push(input);
        waiting.push(resolve);
        failing.push(reject);
      }),
  };
  return {
    transport,
    sent,
    ack: (ack: SendAck) => waiting.shift()!(ack),
    crash: (error: Error) => {
      waiting.shift();
      failing.shift()!(error);
    },
  };
}

const history = (msgId: string, sendTimeMs: number, sender: 0 | 1 = 1, status: MessageStatus = 'received'): HistoryItem => ({
  msgId,
  contentType: '1',
  content: `h${msgId}`,
  sendTime: '',
  sendTimeMs,
  sender,
  contReadState: '1',
  status,
});

const pushOf = (msgId: string, content: string, sender: 0 | 1, sendTimeMs = Date.now(), receId = 'r1'): MessageNewPayload => ({
  accountId: 'a1',
  receId,
  receName: 'Target',
  convType: 'stranger',
  cursor: 1,
  custServId: '7',
  seq: 1,
  message: { msgId, contentType: '1', content, sendTime: '', sendTimeMs, sender, contReadState: sender === 1 ? '0' : '1', status: sender === 1 ? 'received' : 'pending' },
});

describe('chat store', () => {
  let chat: ReturnType<typeof useChatStore>;
  let wire: ReturnType<typeof controlledTransport>;
  beforeEach(() => {
    setActivePinia(createPinia());
    chat = useChatStore();
    wire = controlledTransport();
    chat.useTransport(wire.transport);
    chat.open({ custServId: '5', receId: 'r1', accountId: 'a1', receName: 'Target' });
  });

  it('shows a reply pending at once, then the ack gives it its msgId, then sent and delivered', async () => {
    const { message, done } = chat.send('hello');
    expect(chat.messages).toHaveLength(1);
    expect(message.status).toBe('pending');
    expect(message.msgId).toBeNull();
    expect(wire.sent[0]).toMatchObject({ accountId: 'a1', receId: 'r1', contentType: '1', content: 'hello', clientMsgId: message.clientMsgId });

    wire.ack({ code: 200, msg: 'ok', data: { msgId: '77', status: 'pending' } });
    await done;
    expect(message.msgId).toBe('77');
    expect(message.status).toBe('pending');

    chat.applyUpdate({ msgId: '77', receId: 'r1', status: 'sent', cursor: 2, custServId: '7', seq: 2 });
    expect(message.status).toBe('sent');
    chat.applyUpdate({ msgId: '77', receId: 'r1', status: 'delivered', cursor: 3, custServId: '7', seq: 3 });
    expect(message.status).toBe('delivered');
    // A late, out-of-order `sent` does not move it back.
    chat.applyUpdate({ msgId: '77', receId: 'r1', status: 'sent', cursor: 4, custServId: '7', seq: 4 });
    expect(message.status).toBe('delivered');
    chat.applyUpdate({ msgId: '77', receId: 'r1', status: 'read', cursor: 5, custServId: '7', seq: 5 });
    expect(message.status).toBe('read');
  });

  it('adopts its own reply pushed before the ack: one bubble, never two', async () => {
    const { message, done } = chat.send('twice?');
    chat.applyMessageNew(pushOf('88', 'twice?', 0));
    expect(chat.messages).toHaveLength(1);
    expect(message.msgId).toBe('88');
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '88', status: 'pending' } });
    await done;
    expect(chat.messages).toHaveLength(1);
    chat.applyMessageNew(pushOf('88', 'twice?', 0));
    expect(chat.messages).toHaveLength(1);
  });

  it('keeps a status update that arrives before the ack and applies it with the ack', async () => {
    const { message, done } = chat.send('fast bridge');
    chat.applyUpdate({ msgId: '90', receId: 'r1', status: 'delivered', cursor: 2, custServId: '7', seq: 2 });
    expect(message.status).toBe('pending');
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '90', status: 'pending' } });
    await done;
    expect(message.status).toBe('delivered');
  });

  it('marks a refused send failed with the hub msg, and a retry sends the same clientMsgId again', async () => {
    const { message, done } = chat.send('retry me');
    wire.ack({ code: 503, msg: 'bridge unavailable', error: 'unavailable' });
    await done;
    expect(message.status).toBe('failed');
    expect(message.reason).toBe('bridge unavailable');

    const retried = chat.retry(message.key)!;
    expect(message.status).toBe('pending');
    expect(wire.sent).toHaveLength(2);
    expect(wire.sent[1]!.clientMsgId).toBe(wire.sent[0]!.clientMsgId);
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '91', status: 'pending' } });
    await retried;
    expect(message.status).toBe('pending');
    expect(message.msgId).toBe('91');
    expect(chat.messages).toHaveLength(1);
  });

  it('marks a send that never got an ack (no connection, timeout) failed, and retries it', async () => {
    const { message, done } = chat.send('lost');
    wire.crash(new Error('operation has timed out'));
    await done;
    expect(message.status).toBe('failed');
    expect(message.reason).toBe('operation has timed out');
    const retried = chat.retry(message.key)!;
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '92', status: 'pending' } });
    await retried;
    expect(message.msgId).toBe('92');
  });

  it('retries a reply the bridge failed as a new send (new clientMsgId), replacing the failed bubble', async () => {
    const { message, done } = chat.send('bridge says no');
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '93', status: 'pending' } });
    await done;
    chat.applyUpdate({ msgId: '93', receId: 'r1', status: 'failed', reason: 'number banned', cursor: 2, custServId: '7', seq: 2 });
    expect(message.status).toBe('failed');
    expect(message.reason).toBe('number banned');
    // Failed is final: a late delivered report does not revive it.
    chat.applyUpdate({ msgId: '93', receId: 'r1', status: 'delivered', cursor: 3, custServId: '7', seq: 3 });
    expect(message.status).toBe('failed');

    const retried = chat.retry(message.key)!;
    expect(wire.sent[1]!.clientMsgId).not.toBe(wire.sent[0]!.clientMsgId);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]!.status).toBe('pending');
    wire.ack({ code: 200, msg: 'ok', data: { msgId: '94', status: 'pending' } });
    await retried;
    expect(chat.messages.map((m) => m.msgId)).toEqual(['94']);
  });

  it('does not retry what did not fail or is inbound', () => {
    chat.mergeHistory([history('1', 100, 1)]);
    expect(chat.retry(chat.messages[0]!.key)).toBeNull();
    const { message } = chat.send('pending');
    expect(chat.retry(message.key)).toBeNull();
  });

  it('merges history pages and pushes in time order without duplicates, ignoring other targets', () => {
    chat.mergeHistory([history('3', 300), history('4', 400)]);
    chat.mergeHistory([history('1', 100), history('2', 200), history('3', 300)]);
    chat.applyMessageNew(pushOf('5', 'live', 1, 500));
    chat.applyMessageNew(pushOf('4', 'h4', 1, 400));
    chat.applyMessageNew(pushOf('6', 'elsewhere', 1, 600, 'r2'));
    expect(chat.messages.map((m) => m.msgId)).toEqual(['1', '2', '3', '4', '5']);
    // History refreshes a known message's status forward only.
    chat.mergeHistory([history('7', 700, 0, 'delivered')]);
    chat.mergeHistory([history('7', 700, 0, 'sent')]);
    expect(chat.messages.at(-1)!.status).toBe('delivered');
  });

  it('ranks statuses forward only, with failed and recalled final', () => {
    expect(advances('pending', 'sent')).toBe(true);
    expect(advances('delivered', 'sent')).toBe(false);
    expect(advances('failed', 'sent')).toBe(false);
    expect(advances('sent', 'recalled')).toBe(true);
    expect(advances('recalled', 'failed')).toBe(false);
  });
});
