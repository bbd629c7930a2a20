# 组织者页面中较长的句子和说明，部分含有标记（<b>、<code>）。

dash-period = { $from ->
    [all] 全部时间。
   *[other] { $from } 至 { $to }（按展览所在时区计日）。
}访客为<b>每日</b>独立访客：匿名访客编号每天更换，同一个人隔天再来会再计一次。机器人、链接预览和预加载不计入任何数字。
dash-state-scheduled = 展览状态：<b>{ $state }</b>。当前展期：<b>{ $live }</b>（按计划）。
dash-state-manual = 展览状态：<b>{ $state }</b>。当前展期：<b>{ $live }</b>（由人工切换设定；到下一个展期开始时恢复按计划展出）。
dash-visitors-note = 扫码：通过印刷的二维码打开的次数。浏览进入：从其他故事或展览页点进来的次数。每日访客：当天看过这个故事的人数，不论是扫码还是浏览进入，所以可能多于扫码次数。
dash-routes-note = 校园网和图书馆代理：订阅在起作用。免费全文：校外观众阅读合法的开放获取版本（在故事文件中注明，或由 Unpaywall 找到）。出版社（校外）：未经图书馆途径被引到出版社网站的观众，可能遇到了付费墙。在区分途径之前记录的全文打开都算作出版社。
dash-edit-note = 编辑故事（所有字段，或换一张封面）；保存时会像 <code>docent check</code> 一样检查，立即生效，文件中的注释会保留。
dash-share-note = 只读链接无需密码即可查看本面板的数字、大厅屏幕和报告，直到过期或被撤销为止，不能做任何修改。可以发给馆长或策展人；命令行 <code>docent share { $id } --days N</code> 也能生成。
confirm-switch-title = 将{ $title } 切换到{ $to }？
confirm-switch-text = 从现在起，每个展位的二维码将显示 <b>{ $to }</b> 的故事，而不是 <b>{ $from }</b>，直到下一个排定的展期开始。本次切换会连同您的姓名和时间一起记录。
confirm-switch-button = 确定，立即切换到{ $to }
return-title = 让{ $title } 恢复按计划展出？
return-text = 从现在起，每个展位的二维码将显示计划中的展期 <b>{ $to }</b> 的故事，而不是 <b>{ $from }</b>，此后由展期计划自动决定。本次操作会连同您的姓名和时间一起记录。
overview-live = 当前展期：<b>{ $live }</b>
overview-scans = 扫码 { $count } 次
overview-visitors = 每日访客 { $count } 人次
overview-opens = 全文打开 { $count } 次
overview-rate = 打开率 { $rate } %
overview-dashboard = 统计面板
overview-posters = 海报
overview-loaded = 当前使用的展品目录载入于 { $at }。系统每隔几秒检查一次文件改动，合格的修改会自动生效。
overview-replicas = 最近联系过的副本（本机为 { $me }）：
overview-ago = { $seconds } 秒前
unsaved = 未保存
unsaved-phase = ：没有写入任何内容。请修正以下问题后重新保存：
unsaved-story = ：没有写入任何内容。请修正以下 { $count } 个问题后重新保存：
phase-note = 新展期会追加到 exhibition.toml 末尾，并像 <code>docent check</code> 一样检查（开始时间须晚于之前的展期），到开始时间自动生效。恢复之前的 exhibition.toml 即可撤销。
replicas-differ = <b>各副本提供的展品文件版本不一致。</b>观众看到哪个版本，取决于由哪个副本应答。请把同一份文件复制到每个副本（版本号是文件的指纹）：
replicas-out-of-step = <b>本副本与其他副本不同步：</b>{ $why }。扫码记录仍保存在本机，NATS 恢复后会同步到其他副本。
audit-note = 每一次更改（登录、退出、切换展期、编辑故事、上传封面、只读链接、人员与令牌、备份等）都记录在此，包括账户、时间、展览和更改内容；记录不可修改，并同步到所有副本。
answers-how-confirmed = 确认浏览：落地页上有一张看不见的小图片，不缓存；只有真正把页面显示出来的浏览器才会去取它。链接预览、聊天和邮件的安全扫描、预加载只取页面本身，所以不会被确认。每个访客当天对同一故事和同一二维码只确认一次，而且只在他当天确实看过这个二维码的页面之后。读到文末：故事正文之后有一张“延迟加载”的小图片，浏览器要等读者往下滑到它附近才会去取。读完率 = 读到文末 ÷ 确认浏览。反馈和投票：只在访客当天看过该页面之后才计，每个访客每天每个故事每种反馈只计一次，每个投票每天只计一次。这些都不用脚本、不用 Cookie，只用每天更换的匿名编号，无法识别到个人；机器人和工作人员不计入。
print-loopback = <b>请勿打印：手机扫不开这些二维码</b>这些二维码指向 <code>{ $origin }</code>，这个地址只有运行 docent 的这台电脑能打开，观众的手机无法访问。请用观众手机能打开的公开地址重新启动 docent：<code>docent serve --base-url https://docent.example.edu</code>（或在环境中设置 <code>DOCENT_BASE_URL</code>），然后重新打开本页。
