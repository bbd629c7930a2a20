# ダイジェストとアラートのメールの文言。メールには展示の最初の二つの言語が入ります。

digest-week = 週間レポート（{ $dates }）
digest-phase = 会期「{ $phase }」が終了しました（{ $dates }）
digest-closing = 閉幕のまとめ（{ $dates }）
digest-custom = 集計（{ $dates }）
digest-scans = スキャン
digest-visitors = 日ごとの来場者
digest-opens = 論文全文の表示
digest-open-rate = 全文表示率
digest-shares = 転送されたリンクからの閲覧
digest-top-stories = よく見られた記事
digest-views = 閲覧 { $count } 回
digest-by-day = 日ごとのスキャンと全文表示
digest-chart-note = 青：スキャン、橙：全文表示。
digest-change-from-zero = 直前の { $days } 日間は 0
digest-change = 直前の { $days } 日間と比べて { $pct } %
digest-link = 閲覧専用リンク（ログイン不要、{ $days } 日間・{ $until } まで有効）：
digest-footer = 数字は同じ期間の統計 JSON と同じです。スタッフとボットのアクセスは含みません。このメールは docent が自動で送信しています。
digest-weekly = 毎週{ $day ->
    [monday] 月曜日
    [tuesday] 火曜日
    [wednesday] 水曜日
    [thursday] 木曜日
    [friday] 金曜日
    [saturday] 土曜日
   *[sunday] 日曜日
} { $hour }:00
digest-at-phase-end = 各会期の終了時
digest-at-closing = 閉幕後
digest-list-separator = 、
alert-raised = アラート
alert-cleared = 解消
alert-line = { $lead }：{ $text }
alert-silent-station = 展示位置 { $station } では { $hours } 時間スキャンがありません（同じ時間に他のポイントでは計 { $others } 回）。コードが剥がれている、隠れている、光が反射している、または小さすぎる可能性があります。現地を確認してください。
alert-spike = { $hour }:00 からの 1 時間で { $scans } 回スキャンされました。普段の同じ時間帯は約 { $usual } 回です。
alert-unknown-code = 展示にないコード「{ $code }」が今日 { $scans } 回スキャンされました。ポスターの印刷ミスかもしれません。
