// The live workspace of one followed seat (the seat itself, or the seat a supervisor watches):
// loads the timeline, opens conversations with their history, turns pushes into store changes
// and, in a seat's own workspace only, marks what the seat looks at as read.
import type { MessageNewPayload } from '../../realtime/events';
import type { HubApi } from '../api/client';
import { createHistoryPager } from './history';
import { createSeqPosition, type StreamPosition } from '../realtime/stream-position';
import { useChatStore } from '../stores/chat';
import { useTimelineStore, type TimelineEntry } from '../stores/timeline';

export interface WorkspaceOptions {
  api: HubApi;
  custServId: string;
  /** A watcher's view: never marks anything read, never sends. */
  readOnly: boolean;
  /** Tells the hub the seat has read this conversation (socket `message:read`). */
  emitRead(receId: string): void;
  /** Whether the seat can see the page now (tab visible). */
  isVisible(): boolean;
  onNewInbound?(payload: MessageNewPayload): void;
}

const TIMELINE_PAGE = 200;
const TIMELINE_MAX_PAGES = 10;

export type Workspace = ReturnType<typeof createWorkspace>;

export function createWorkspace(options: WorkspaceOptions) {
  const { api, custServId, readOnly } = options;
  const timeline = useTimelineStore();
  const chat = useChatStore();
  let loaded = false;
  // A gap in the seat's seq is filled at once; a failed attempt is retried by the next push
  // that still finds the gap open, and by every reconnect.
  const position: StreamPosition = createSeqPosition(custServId, { onGap: () => void (loaded ? catchUp() : Promise.resolve()).catch(() => undefined) });
  let pager: ReturnType<typeof createHistoryPager> | null = null;
  let readTimer: ReturnType<typeof setTimeout> | null = null;

  async function loadTimeline(): Promise<void> {
    const rows: TimelineEntry[] = [];
    let seq = 0;
    for (let page = 1; page <= TIMELINE_MAX_PAGES; page += 1) {
      const answer = await api.timeline(custServId, page, TIMELINE_PAGE);
      if (page === 1) seq = answer.seq;
      rows.push(...answer.rows.map((r) => ({ ...r, syncedAt: 0 })));
      if (answer.rows.length < TIMELINE_PAGE || rows.length >= answer.total) break;
    }
    timeline.setAll(rows, seq);
    position.reset(seq);
    loaded = true;
  }

  /** First connect: the whole timeline. Later ones: what happened after our position. */
  async function catchUp(): Promise<void> {
    if (!loaded) return loadTimeline();
    await position.catchUp(custServId, (id, since) => api.timelineAlerts(id, since), (alerts, at) => timeline.mergeAlerts(alerts, at));
  }

  function looking(receId: string): boolean {
    return !readOnly && timeline.openReceId === receId && options.isVisible();
  }

  function markRead(receId: string): void {
    if (readOnly) return;
    timeline.markRead(receId);
    if (readTimer) clearTimeout(readTimer);
    // A burst of messages in the open chat is marked read once.
    readTimer = setTimeout(() => options.emitRead(receId), 250);
  }

  async function open(entry: TimelineEntry): Promise<void> {
    timeline.openReceId = entry.receId;
    chat.open({ custServId, receId: entry.receId, accountId: entry.accountId, receName: entry.receName });
    const current = chat.target;
    pager = createHistoryPager(
      (day, pageNo, pageSize) => api.history(custServId, entry.receId, day as string, pageNo, pageSize),
      (items) => (chat.target === current ? chat.mergeHistory(items) : 0),
    );
    await pager.loadLatest();
    if (entry.unread > 0 && looking(entry.receId)) markRead(entry.receId);
  }

  return {
    custServId,
    readOnly,
    position,
    catchUp,
    open,
    markRead,
    loadOlder: () => pager?.loadOlder() ?? Promise.resolve(0),
    historyState: () => pager?.state ?? null,
    reloadOpen: async () => {
      if (pager && timeline.openReceId) await pager.reload();
    },
    /** Skips a repeat of the followed seat's stream; lets everything else through. */
    accept: (payload: { custServId?: string; seq?: number }) => position.observe(payload),
    onMessageNew(payload: MessageNewPayload): void {
      const seen = looking(payload.receId);
      timeline.applyMessageNew(payload, seen);
      chat.applyMessageNew(payload);
      if (payload.message.sender === 1) {
        if (seen) markRead(payload.receId);
        else options.onNewInbound?.(payload);
      }
    },
    onVisible(): void {
      const open = timeline.openReceId;
      if (open && (timeline.entries.get(open)?.unread ?? 0) > 0 && looking(open)) markRead(open);
    },
    close(): void {
      if (readTimer) clearTimeout(readTimer);
      timeline.setAll([]);
      chat.open(null);
    },
  };
}
