// Typed calls to the hub's REST contract: one function per endpoint the console uses.
import type { ConvType } from '../../realtime/events';
import type { Http } from './http';
import type { Account, Conversation, HistoryPage, Paged, QuickReply, SeatSummary, SeatTag, TimelineAlert, TransferSeat, User } from './types';

export type HubApi = ReturnType<typeof createHubApi>;

export function createHubApi(http: Http) {
  return {
    login: (username: string, password: string) =>
      http.post<{ token: string; user: User }>('/xd/auth/login', { username, password }, { quiet: true }),
    logout: () => http.post<unknown>('/xd/auth/logout', {}, { quiet: true }),
    me: () => http.get<User>('/xd/auth/me'),
    accounts: () => http.post<Account[]>('/xd/client/getAccounts', {}),
    timeline: (custServId: string, pageNo: number, pageSize: number) =>
      http.post<Paged<Conversation> & { cursor: number; seq: number }>('/xd/client/timeline', { custServId, pageNo, pageSize }),
    timelineAlerts: (custServId: string, sinceSeq: number) =>
      http.post<{ seq: number; more: boolean; alerts: TimelineAlert[] }>('/xd/client/timelineAlerts', { custServId, sinceSeq }),
    history: (custServId: string, receId: string, oocDate: string, pageNo: number, pageSize: number) =>
      http.post<HistoryPage>('/xd/client/retrievePastRecords', { custServId, receId, oocDate, pageNo, pageSize }),
    markRead: (receId: string) => http.put<{ updated: number }>('/xd/client/updateMessage', { receId, action: 'read' }),
    originalImage: (msgId: string) => http.post<{ url: string }>('/xd/client/originalImage', { msgId }),
    translate: (text: string, to: string) => http.post<{ text: string; from: string; to: string }>('/xd/client/translate', { text, to }),
    quickReplies: (keyword: string) => http.get<Paged<QuickReply>>('/xd/client/quickReplies', { keyword: keyword || undefined, pageNo: 1, pageSize: 50 }),
    quickSearch: (keyword: string) =>
      http.get<{ targets: { receId: string; receName: string; accountId: string; convType: ConvType }[]; messages: { msgId: string; receId: string; receName: string; content: string; sendTime: string }[] }>(
        '/xd/client/quickSearch',
        { keyword },
      ),
    seatTags: () => http.get<SeatTag[]>('/xd/client/seatTags'),
    createSeatTag: (name: string, color?: string) => http.post<{ tagId: string }>('/xd/client/seatTags', { name, color }),
    targetsByTag: (tagId: string) => http.post<Paged<{ receId: string }>>('/xd/client/targetsByTag', { tagId, pageNo: 1, pageSize: 200 }),
    setTargetTags: (receId: string, tagIds: string[]) => http.put<unknown>('/xd/client/targetTags', { receId, tagIds }),
    transferSeats: (name: string) => http.get<TransferSeat[]>('/xd/client/transferSeats', { name }),
    transfer: (receId: string, toCustServId: string, reason?: string) =>
      http.post<{ transferId: string }>('/xd/client/transfer', { receId, toCustServId, reason: reason || undefined }),
    transferSource: (receId: string) =>
      http.post<{ fromCustServId: string; fromName: string; reason: string | null; transferTime: string } | null>('/xd/client/transferSource', { receId }, { quiet: true }),
    fans: (accountId: string, delta: number, reason?: string) => http.post<{ date: string; count: number }>('/xd/client/fans', { accountId, delta, reason: reason || undefined }),
    fanCount: (custServId: string) => http.post<{ date: string; count: number }[]>('/xd/client/fanCount', { custServId }),
    telegramLink: () => http.get<{ link: string | null }>('/xd/client/telegramLink'),
    relogin: (accountId: string) => http.post<unknown>('/xd/protocol/relogin', { accountId }),
    supervisorSeats: () => http.get<SeatSummary[]>('/xd/supervisor/seats'),
    branchSeats: () => http.get<SeatSummary[]>('/xd/branch/seats'),
  };
}
