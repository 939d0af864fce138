import type zh from './zh-CN';

const en: typeof zh = {
  app: { name: 'Seat Hub', logout: 'Log out', language: 'Language', sound: 'Sound', desktop: 'Desktop notifications' },
  nav: { replies: 'Branch quick replies', seat: 'Workspace', supervisorWall: 'Seat wall', supervisorWatch: 'Watch', dashboard: 'Dashboard', users: 'Users', accounts: 'Accounts', roles: 'Role permissions', menus: 'Menus', branches: 'Branches', proxies: 'Proxy pool', audit: 'Audit log', groupPulls: 'Group pulls' },
  login: {
    title: 'Sign in to Seat Hub', subtitle: 'One workspace for every WhatsApp / Telegram account',
    username: 'Username', password: 'Password', remember: 'Remember me', submit: 'Sign in', required: 'Enter username and password',
  },
  connection: { online: 'Online', offline: 'Offline', syncing: 'Syncing' },
  status: { online: 'Online', offline: 'Offline', banned: 'Banned', loginRequired: 'Login required' },
  msgStatus: { received: 'Received', pending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed', recalled: 'Recalled' },
  convType: { all: 'All types', biDirFriend: 'Mutual friend', uniDirFriend: 'One-way friend', stranger: 'Stranger', group: 'Group' },
  accounts: { title: 'Accounts', all: 'All accounts', relogin: 'Log in again', scanQr: 'Scan to log in', empty: 'No accounts' },
  timeline: { title: 'Conversations', unreadOnly: 'Unread only', search: 'Search contacts or messages', empty: 'No conversations', tag: 'Seat tag', noTag: 'All tags', messages: 'Messages', targets: 'Contacts', noResult: 'No results' },
  chat: {
    pick: 'Pick a conversation to start', loadingOlder: 'Loading older messages…', noOlder: 'No older messages', retry: 'Retry', original: 'View original',
    recalled: 'This message was recalled', today: 'Today', readOnly: 'Read-only watch: read state is never changed', translation: 'Translation', original_text: 'Original',
    image: '[Image]', voice: '[Voice]', video: '[Video]', file: '[File]', link: '[Link]', newMessages: 'New messages',
  },
  composer: { placeholder: 'Type a message. Enter sends, Shift+Enter breaks the line, / for quick replies', send: 'Send', translate: 'Translate', translateTo: 'to', quickReplies: 'Quick replies', noReplies: 'No quick replies', own: 'Mine', branch: 'Branch' },
  side: {
    title: 'Contact', convType: 'Type', tags: 'Seat tags', editTags: 'Edit tags', newTag: 'New tag', transfer: 'Transfer', transferTitle: 'Transfer conversation',
    transferTo: 'Transfer to', transferReason: 'Reason', transferSearch: 'Search seats', transferred: 'Transferred', source: 'Transferred from', sourceFrom: 'from {name}',
    fans: 'Fans today', fansReason: 'Reason (optional)', telegram: 'Telegram link', telegramNone: 'No Telegram link set by your branch', account: 'Account', save: 'Save', cancel: 'Cancel', confirm: 'Confirm',
  },
  notify: { newMessage: 'New message from {name}', transferIn: '{from} transferred {name} to you', transferOut: '{name} was transferred to another seat' },
  wall: {
    telegramNone: 'No Telegram link', telegramSet: 'Set Telegram link', telegramChange: 'Change Telegram link', telegramPrompt: 'Telegram link for {name} (https:// or tg://)', title: 'Seat wall', online: 'Online', offline: 'Offline', unread: 'Unread', fans: 'Fans today', open: 'Open', last: 'Last activity', never: 'None', watch: 'Watch',
    seats: 'Seats', onlineCount: 'Online seats', back: 'Back to the wall', watching: 'Watching {name}',
  },
  dashboard: {
    title: 'Dashboard', organisation: 'Whole organisation', allBranches: 'All branches', today: 'Today', inbound: 'Inbound', outbound: 'Outbound', newFans: 'New fans', unreplied: 'Unreplied',
    avgFirstReply: 'Avg. first reply', seatsOnline: 'Seats online', accountsOnline: 'Accounts online', hourly: 'Messages per hour', perSeat: 'Per seat', seat: 'Seat',
  },
  role: { seat: 'Seat', supervisor: 'Supervisor', branch: 'Branch manager', admin: 'Admin', master: 'Master' },
  accountsAdmin: {
    subtitle: 'Assign to seats (conversations move with the account, live), login state and QR, proxy', search: 'Search phone', anyStatus: 'Any status', create: 'New account', import: 'Bulk import',
    phone: 'Phone', platform: 'Platform', branch: 'Branch', seat: 'Seat', unassigned: 'Unassigned', status: 'Status', proxy: 'Proxy', autoProxy: 'Auto-assign', pickProxy: 'Choose', pickProxyTitle: 'Proxy of {phone}', noFreeProxy: 'No free proxy in the pool', unassignProxy: 'Unassign', enabled: 'Enabled', disabled: 'Disabled',
    importTitle: 'Bulk import accounts', importHelp: 'One account per line: phone[,platform][,branch][,seat]. Paste or pick a CSV file; a branch by name or id, a seat by username or id.',
    defaultBranch: 'Default branch', csvFile: 'Pick a CSV file', previewCount: '{rows} to import, {skipped} skipped', line: 'Line {n}', importRows: 'Import {n} accounts',
    imported: '{created} created, {skipped} skipped by the hub',
    skip: { phone: 'Not an E.164 phone (e.g. +8613900000001)', duplicate: 'Repeats an earlier line', exists: 'This phone already exists', platform: 'Platform must be whatsapp or telegram', branch: 'No such branch', seat: 'No such seat in that branch' },
  },
  usersAdmin: {
    subtitleOrg: 'Every user', subtitleBranch: 'Seats and supervisors of your branch', search: 'Search username or name', anyRole: 'Any role', create: 'New user', username: 'Username', name: 'Name', role: 'Role',
    lastLogin: 'Last login', resetPassword: 'Reset password', newPassword: 'New password (8 characters or more)',
  },
  groupPulls: {
    subtitle: 'Add a list of numbers to a WhatsApp group, paced by the hub so the account is not banned', create: 'New group pull', account: 'Account', group: 'Group', newGroup: 'New group', existingGroup: 'Existing group',
    groupName: 'Group name', groupId: 'Group id', members: 'Numbers ({n})', perMinute: 'At most per minute', start: 'Start', progress: 'Progress', reason: 'Reason',
    counts: '{added} added · {invited} invited · {failed} failed · {skipped} skipped / {total}', pause: 'Pause', resume: 'Resume', cancel: 'Cancel',
    status: { queued: 'Queued', running: 'Running', paused: 'Paused', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
    member: { pending: 'Pending', sending: 'Sending', added: 'Added', invited: 'Invited', failed: 'Failed', skipped: 'Skipped' },
  },
  menusAdmin: { subtitle: 'Directories (M), pages (C) and buttons (F) of the navigation, with the permission each grants', create: 'New menu', addChild: 'Add under', edit: 'Edit', editTitle: 'Edit menu', createTitle: 'New menu', parent: 'Parent', root: 'Top level', type: 'Type', name: 'Name', path: 'Route path', component: 'Component', perms: 'Permission', order: 'Order', visible: 'Shown', hidden: 'Hidden', enabled: 'Enabled' },
  rolesAdmin: { subtitle: 'Tick the menus, pages and buttons a role has; ticking an item ticks what it sits under', undo: 'Undo', everything: 'Has everything', count: '{n} items', type: { M: 'Menu', C: 'Page', F: 'Button' } },
  branchesAdmin: { search: 'Search branches', name: 'Branch name', create: 'New branch', rename: 'Rename', seats: 'Seats', supervisors: 'Supervisors' },
  auditAdmin: { actor: 'Actor', action: 'Action', from: 'From', to: 'To', at: 'When', subject: 'Subject', detail: 'Detail' },
  proxiesAdmin: {
    subtitle: 'Proxies the accounts use: import, check, fetch from the provider', search: 'Search address', import: 'Import proxies', fetch: 'Fetch from provider', country: 'Country', address: 'Address', latency: 'Latency', checked: 'Checked',
    provider: 'Provider', check: 'Check now', importHelp: 'One per line: host:port or host:port:username:password',
    status: { ok: 'OK', down: 'Down', expired: 'Expired', unknown: 'Unchecked' },
  },
  repliesAdmin: { subtitle: 'Quick replies for every seat of your branch (listed after a seat’s own when it types /)', search: 'Search', create: 'New branch quick reply', title: 'Title', shortcut: 'Shortcut', body: 'Text' },
  common: { close: 'Close', delete: 'Delete', loading: 'Loading…', error: 'Error', minutesAgo: '{n} min ago', justNow: 'just now' },
};
export default en;
