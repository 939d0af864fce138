export default {
  app: { name: '坐席中心', logout: '退出登录', language: '语言', sound: '提示音', desktop: '桌面通知' },
  nav: { seat: '工作台', supervisorWall: '坐席墙', supervisorWatch: '坐席监控', dashboard: '首页', users: '用户管理', accounts: '账号管理', roles: '角色权限', branches: '分管管理', proxies: 'IP管理', audit: '操作日志', groupPulls: '拉群' },
  login: {
    title: '登录坐席中心', subtitle: '统一管理 WhatsApp / Telegram 账号的客服工作台',
    username: '用户名', password: '密码', remember: '记住我', submit: '登录', required: '请输入用户名和密码',
  },
  connection: { online: '在线', offline: '离线', syncing: '同步中' },
  status: { online: '在线', offline: '离线', banned: '已封禁', loginRequired: '需要登录' },
  msgStatus: { received: '已收到', pending: '发送中', sent: '已发送', delivered: '已送达', read: '已读', failed: '发送失败', recalled: '已撤回' },
  convType: { all: '全部类型', biDirFriend: '双向好友', uniDirFriend: '单向好友', stranger: '陌生人', group: '群组' },
  accounts: { title: '账号', all: '全部账号', relogin: '重新登录', scanQr: '扫码登录', empty: '暂无账号' },
  timeline: { title: '会话', unreadOnly: '仅未读', search: '搜索联系人或消息', empty: '暂无会话', tag: '坐席标签', noTag: '全部标签', messages: '消息', targets: '联系人', noResult: '无结果' },
  chat: {
    pick: '选择左侧会话开始聊天', loadingOlder: '加载更早的消息…', noOlder: '没有更早的消息了', retry: '重试', original: '查看原图',
    recalled: '此消息已撤回', today: '今天', readOnly: '只读监控：不会改变已读状态', translation: '译文', original_text: '原文',
    image: '[图片]', voice: '[语音]', video: '[视频]', file: '[文件]', link: '[链接]', newMessages: '新消息',
  },
  composer: { placeholder: '输入消息，Enter 发送，Shift+Enter 换行，/ 快捷回复', send: '发送', translate: '翻译', translateTo: '译为', quickReplies: '快捷回复', noReplies: '没有快捷回复', own: '我的', branch: '分组' },
  side: {
    title: '联系人', convType: '类型', tags: '坐席标签', editTags: '编辑标签', newTag: '新标签', transfer: '转移', transferTitle: '转移会话',
    transferTo: '转移给', transferReason: '原因', transferSearch: '搜索坐席', transferred: '已转移', source: '转移来源', sourceFrom: '来自 {name}',
    fans: '今日进粉', fansReason: '原因（可选）', telegram: '飞机链接', telegramNone: '分管尚未设置飞机链接', account: '账号', save: '保存', cancel: '取消', confirm: '确定',
  },
  notify: { newMessage: '{name} 发来新消息', transferIn: '{from} 转来了 {name}', transferOut: '{name} 已转给其他坐席' },
  wall: {
    title: '坐席墙', online: '在线', offline: '离线', unread: '未读', fans: '今日进粉', open: '未读会话', last: '最近活动', never: '暂无', watch: '监控',
    seats: '坐席', onlineCount: '在线坐席', back: '返回坐席墙', watching: '正在监控 {name}',
  },
  dashboard: {
    title: '首页', organisation: '全部组织', allBranches: '全部分管', today: '今天', inbound: '接收', outbound: '发送', newFans: '新增粉丝', unreplied: '未回复',
    avgFirstReply: '平均首次回复', seatsOnline: '在线坐席', accountsOnline: '在线账号', hourly: '每小时消息量', perSeat: '坐席明细', seat: '坐席',
  },
  role: { seat: '客服坐席', supervisor: '坐席主管', branch: '分管', admin: '管理员', master: '主控' },
  accountsAdmin: {
    subtitle: '分配坐席（会话随账号实时转移）、登录状态与二维码、代理 IP', search: '搜索手机号', anyStatus: '全部状态', create: '新增账号', import: '批量导入',
    phone: '手机号', platform: '平台', branch: '分管', seat: '坐席', unassigned: '未分配', status: '状态', proxy: '代理 IP', autoProxy: '自动分配', enabled: '启用', disabled: '已停用',
    importTitle: '批量导入账号', importHelp: '每行一个账号：手机号[,平台][,分管][,坐席]，可粘贴或选择 CSV 文件；分管可写名称或 ID，坐席可写用户名或 ID。',
    defaultBranch: '默认分管', csvFile: '选择 CSV 文件', previewCount: '将导入 {rows} 行，跳过 {skipped} 行', line: '第 {n} 行', importRows: '导入 {n} 个账号',
    imported: '已创建 {created} 个，服务器跳过 {skipped} 个',
    skip: { phone: '手机号格式不正确（E.164，如 +8613900000001）', duplicate: '与前面的行重复', exists: '该手机号已存在', platform: '平台只能是 whatsapp 或 telegram', branch: '分管不存在', seat: '坐席不存在或不在该分管' },
  },
  usersAdmin: {
    subtitleOrg: '全部用户', subtitleBranch: '本分管的坐席与主管', search: '搜索用户名或姓名', anyRole: '全部角色', create: '新增用户', username: '用户名', name: '姓名', role: '角色',
    lastLogin: '最近登录', resetPassword: '重置密码', newPassword: '新密码（至少 8 位）',
  },
  common: { close: '关闭', delete: '删除', loading: '加载中…', error: '出错了', minutesAgo: '{n} 分钟前', justNow: '刚刚' },
};
