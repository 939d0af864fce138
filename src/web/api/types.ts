// Shapes of the REST answers the console uses (API.md, `/xd/client/*` and friends).
import type { AccountStatus, ConvType, PushedMessage, Role } from '../../realtime/events';

export interface User {
  id: string;
  name: string;
  role: Role;
  branchId: string | null;
}

export interface Account {
  accountId: string;
  phone: string;
  platform: string;
  status: AccountStatus;
  unread: number;
  qr?: string | null;
}

export interface Conversation {
  receId: string;
  receName: string;
  accountId: string;
  convType: ConvType | null;
  lastContent: string | null;
  lastContentType?: string | null;
  lastSendTimeMs: number | null;
  unread: number;
}

export interface TimelineAlert {
  receId: string;
  receName: string;
  accountId: string;
  unread: number;
  lastContent: string | null;
  lastSendTimeMs: number | null;
}

/** A history item has exactly the fields of a pushed message. */
export type HistoryItem = PushedMessage;

export interface HistoryPage {
  receId: string;
  receName: string;
  occDate: string;
  total: number;
  pageno: number;
  pageSize: number;
  contGroups: HistoryItem[];
}

export interface Paged<T> {
  rows: T[];
  total: number;
  pageno: number;
  pageSize: number;
}

export interface QuickReply {
  contentId: string;
  title: string;
  body: string;
  contentType: string;
  shortcut: string | null;
  scope: 'seat' | 'branch';
}

export interface SeatTag {
  tagId: string;
  name: string;
  color: string | null;
  targets: number;
}

export interface SeatSummary {
  custServId: string;
  name: string;
  username: string;
  online: boolean;
  fansToday: number;
  openConversations: number;
  telegramLink?: string | null;
  /** Kept by the wall from pushes: when the seat last had traffic. */
  lastActivityMs?: number | null;
  unread?: number;
}

export interface TransferSeat {
  custServId: string;
  name: string;
  username: string;
  online: boolean;
}

export interface MenuEntry {
  name: string;
  path: string;
  title: string;
  icon?: string;
}
