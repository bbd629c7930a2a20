# 人员页、邀请页和权限不足时的文字。

role-viewer = 查看者
role-editor = 编辑
role-organizer = 策展人
role-admin = 管理员
role-needed = 你的账户没有“{ $role }”权限，请联系管理员。
people-explained = 每人一个账户。角色：<b>查看者</b>（统计、图表、导出、报告、大厅屏幕）；<b>编辑</b>（另可编辑故事、封面、展期，导入）；<b>策展人</b>（另可切换展期、制作和撤销只读链接）；<b>管理员</b>（全部，仅限全站：人员、备份、恢复、所有展览）。角色可以授予全站，或写成 <code>editor@展览编号</code> 只授予一个展览；没有任何角色的展览对此人不可见。停用账户或修改角色会立即结束此人的所有会话（在所有副本上）。
made-for = 给
made-note = 邀请链接 72 小时内有效，只能使用一次；API 令牌用作 <code>Authorization: Bearer 令牌</code>。
invite-account = 账户：
invite-done-name = 你的账户名：
invite-done = 现在可以用账户名和新密码<a href="/login">登录</a>。此邀请链接已失效。
invite-unknown = 此邀请链接无效：已被使用、已被替换或输入有误。
invite-expired = 此邀请链接已过期，请向管理员索取新的链接。
