# 摘要邮件与提醒邮件的文字。每封邮件使用展览的前两种语言。

digest-week = 周报（{ $dates }）
digest-phase = 展期「{ $phase }」结束（{ $dates }）
digest-closing = 闭幕总结（{ $dates }）
digest-custom = 数字（{ $dates }）
digest-scans = 扫码
digest-visitors = 每日访客
digest-opens = 全文打开
digest-open-rate = 打开率
digest-shares = 微信转发浏览
digest-top-stories = 最受关注的故事
digest-views = { $count } 次浏览
digest-by-day = 每日扫码与全文打开
digest-chart-note = 蓝色：扫码；橙色：全文打开。
digest-change-from-zero = 前 { $days } 天为 0
digest-change = 较前 { $days } 天 { $pct } %
digest-link = 只读链接（无需登录，{ $days } 天内有效，至 { $until }）：
digest-footer = 数字与统计接口（JSON）中同一时期的数字相同；工作人员和网络爬虫的访问不计入。此邮件由 docent 自动发送。
digest-weekly = 每周{ $day ->
    [monday] 一
    [tuesday] 二
    [wednesday] 三
    [thursday] 四
    [friday] 五
    [saturday] 六
   *[sunday] 日
} { $hour }:00
digest-at-phase-end = 每个展期结束时
digest-at-closing = 闭幕后
digest-list-separator = 、
alert-raised = 提醒
alert-cleared = 已恢复
alert-line = { $lead }：{ $text }
alert-silent-station = 展位 { $station } 已 { $hours } 小时没有扫码，而其他展位同期共有 { $others } 次：二维码可能被撕掉、遮挡、反光或印得太小，请到现场查看。
alert-spike = { $hour }:00 这一小时已有 { $scans } 次扫码，平时同一时段约 { $usual } 次。
alert-unknown-code = 今天有 { $scans } 次扫描了展览中没有的二维码「{ $code }」：可能有海报印错了。
