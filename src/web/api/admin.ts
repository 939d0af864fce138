// Typed calls to the management contract (API.md wave 2: administration, menus and permissions,
// dashboard, proxies, group pulls). Kept apart from the seat's calls so each stays readable.
import type { AccountStatus, GroupPullStatus, ProxyStatus, Role } from '../../realtime/events';
import type { Http } from './http';
import type { Paged } from './types';

export interface RouterVo {
  name: string;
  path: string;
  hidden: boolean;
  component: string;
  redirect?: string;
  alwaysShow?: boolean;
  meta: { title: string; icon: string; noCache: boolean; link?: string };
  children?: RouterVo[];
}

export interface AuthInfo {
  user: { id: string; name: string; username: string; role: Role; branchId: string | null };
  roles: Role[];
  permissions: string[];
}

export interface DashboardSeat {
  custServId: string;
  name: string;
  online: boolean;
  inbound: number;
  outbound: number;
  newFans: number;
  unreplied: number;
  avgFirstReplySeconds: number | null;
}

export interface DashboardSummary {
  date: string;
  inbound: number;
  outbound: number;
  newFans: number;
  activeTargets: number;
  unreplied: number;
  avgFirstReplySeconds: number | null;
  seatsOnline: number;
  seatsTotal: number;
  accountsOnline: number;
  accountsTotal: number;
  hourly: { hour: number; inbound: number; outbound: number }[];
  seats: DashboardSeat[];
}

export interface Branch {
  branchId: string;
  name: string;
  seats: number;
  supervisors: number;
  accounts: number;
  createdAt: number;
}

export interface ManagedUser {
  userId: string;
  username: string;
  name: string;
  role: Role;
  branchId: string | null;
  disabled: boolean;
  online: boolean;
  lastLoginAt: number | null;
  createdAt: number;
}

export interface ManagedAccount {
  accountId: string;
  phone: string;
  platform: string;
  branchId: string;
  seatId: string | null;
  seatName: string | null;
  status: AccountStatus;
  statusReason: string | null;
  proxyId: string | null;
  /** The assigned proxy's status as the hub stored it; null without a proxy. */
  proxyStatus: ProxyStatus | null;
  disabled: boolean;
  createdAt: number;
}

export interface AccountRow {
  phone: string;
  platform?: string;
  branchId: string;
  seatId?: string;
}

export interface MenuRow {
  menuId: string;
  parentId: string;
  menuName: string;
  orderNum: number;
  path: string;
  component: string | null;
  menuType: 'M' | 'C' | 'F';
  perms: string;
  visible: string;
  status: string;
  icon: string;
}

/** The fields a menu is created or changed with (RuoYi sys_menu); `parentId` "0" is the root. */
export type MenuChange = Partial<Pick<MenuRow, 'parentId' | 'menuName' | 'orderNum' | 'path' | 'component' | 'menuType' | 'perms' | 'visible' | 'status' | 'icon'>>;

export interface RoleRow {
  role: Role;
  name: string;
  menuIds: string[];
  permissions: string[];
}

export interface AuditRow {
  auditId: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  subject: string;
  detail: unknown;
  ip: string | null;
  at: number;
}

export interface ProxyRow {
  proxyId: string;
  host: string;
  port: number;
  protocol: 'http' | 'socks5';
  username: string | null;
  hasPassword: boolean;
  provider: string | null;
  country: string | null;
  status: ProxyStatus;
  latencyMs: number | null;
  checkedAt: number | null;
  expiresAt: number | null;
  maxAccounts: number;
  accounts: number;
}

export interface GroupPull {
  taskId: string;
  accountId: string;
  groupId: string | null;
  groupName: string | null;
  status: GroupPullStatus;
  total: number;
  added: number;
  invited: number;
  failed: number;
  skipped: number;
  createdAt: number;
  finishedAt: number | null;
}

export interface GroupPullDetail extends GroupPull {
  members: { phone: string; state: string; reason: string | null }[];
}

type Query = Record<string, string | number | undefined>;

export type AdminApi = ReturnType<typeof createAdminApi>;

export function createAdminApi(http: Http) {
  return {
    info: () => http.get<AuthInfo>('/xd/auth/info'),
    routers: () => http.get<RouterVo[]>('/xd/auth/routers'),
    dashboard: (body: { date?: string; branchId?: string } = {}) => http.post<DashboardSummary>('/xd/dashboard/summary', body),

    branches: (query: Query = {}) => http.get<Paged<Branch>>('/xd/admin/branches', { pageNo: 1, pageSize: 200, ...query }),
    createBranch: (name: string) => http.post<{ branchId: string }>('/xd/admin/branches', { name }),
    renameBranch: (branchId: string, name: string) => http.put<unknown>(`/xd/admin/branches/${branchId}`, { name }),
    deleteBranch: (branchId: string) => http.del<unknown>(`/xd/admin/branches/${branchId}`),

    users: (query: Query = {}) => http.get<Paged<ManagedUser>>('/xd/admin/users', { pageNo: 1, pageSize: 200, ...query }),
    createUser: (body: { username: string; name: string; password: string; role: Role; branchId?: string }) => http.post<{ userId: string }>('/xd/admin/users', body),
    updateUser: (userId: string, body: { name?: string; role?: Role; branchId?: string; disabled?: boolean }) => http.put<unknown>(`/xd/admin/users/${userId}`, body),
    resetPassword: (userId: string, password: string) => http.put<unknown>(`/xd/admin/users/${userId}/password`, { password }),

    accounts: (query: Query = {}) => http.get<Paged<ManagedAccount>>('/xd/admin/accounts', { pageNo: 1, pageSize: 200, ...query }),
    createAccount: (body: AccountRow) => http.post<{ accountId: string }>('/xd/admin/accounts', body),
    importAccounts: (accounts: AccountRow[]) => http.post<{ created: number; skipped: { phone: string; reason: string }[] }>('/xd/admin/accounts/import', { accounts }),
    updateAccount: (accountId: string, body: { seatId?: string | null; branchId?: string; proxyId?: string | null; disabled?: boolean }) =>
      http.put<unknown>(`/xd/admin/accounts/${accountId}`, body),
    deleteAccount: (accountId: string) => http.del<unknown>(`/xd/admin/accounts/${accountId}`),
    autoProxy: (accountId: string) => http.post<{ proxyId: string }>(`/xd/admin/accounts/${accountId}/proxy/auto`, {}),

    menus: () => http.get<MenuRow[]>('/xd/admin/menus'),
    createMenu: (body: MenuChange & Pick<MenuRow, 'menuName' | 'menuType'>) => http.post<MenuRow>('/xd/admin/menus', body),
    updateMenu: (menuId: string, body: MenuChange) => http.put<MenuRow>(`/xd/admin/menus/${menuId}`, body),
    deleteMenu: (menuId: string) => http.del<unknown>(`/xd/admin/menus/${menuId}`),
    roles: () => http.get<RoleRow[]>('/xd/admin/roles'),
    setRoleMenus: (role: Role, menuIds: string[]) => http.put<unknown>(`/xd/admin/roles/${role}/menus`, { menuIds }),
    audit: (query: Query = {}) => http.get<Paged<AuditRow>>('/xd/admin/audit', query),

    proxies: (query: Query = {}) => http.get<Paged<ProxyRow>>('/xd/admin/proxies', { pageNo: 1, pageSize: 200, ...query }),
    importProxies: (protocol: 'http' | 'socks5', lines: string) => http.post<{ created: number; skipped: { line: number; reason: string }[] }>('/xd/admin/proxies/import', { protocol, lines }),
    checkProxy: (proxyId: string) => http.post<{ status: ProxyStatus; latencyMs: number | null; checkedAt: number; reason?: string }>(`/xd/admin/proxies/${proxyId}/check`, {}),
    fetchProxies: (count: number, country?: string) => http.post<{ created: number }>('/xd/admin/proxies/fetch', { count, country: country || undefined }),
    deleteProxy: (proxyId: string) => http.del<unknown>(`/xd/admin/proxies/${proxyId}`),

    groupPulls: (query: Query = {}) => http.get<Paged<GroupPull>>('/xd/client/groupPulls', { pageNo: 1, pageSize: 100, ...query }),
    groupPull: (taskId: string) => http.get<GroupPullDetail>(`/xd/client/groupPulls/${taskId}`),
    createGroupPull: (body: { accountId: string; groupName?: string; groupId?: string; members: string[]; perMinute?: number }) => http.post<{ taskId: string }>('/xd/client/groupPulls', body),
    groupPullAction: (taskId: string, action: 'pause' | 'resume' | 'cancel') => http.post<unknown>(`/xd/client/groupPulls/${taskId}/${action}`, {}),

    createBranchReply: (body: { title: string; body: string; shortcut?: string }) => http.post<{ contentId: string }>('/xd/client/content', { ...body, scope: 'branch' }),
    deleteReply: (contentId: string) => http.del<unknown>(`/xd/client/content/${contentId}`),
    setTelegramLink: (custServId: string, link: string) => http.put<unknown>(`/xd/branch/seats/${custServId}/telegramLink`, { link }),
  };
}
