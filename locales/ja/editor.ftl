# 記事エディターと会期エディターの保存に関するメッセージ、履歴の要約。

editor-title-required = タイトル（{ $lang ->
    [zh] 中国語
    [en] 英語
    [ja] 日本語
   *[other] { $tag }
}）は必須です。入力してください
editor-summary-required = 概要（{ $lang ->
    [zh] 中国語
    [en] 英語
    [ja] 日本語
   *[other] { $tag }
}）は必須です。入力してください
editor-hidden-char = 目に見えない文字 { $code } が含まれています。{ $reorders ->
    [yes] 後に続く文字の表示順が乱れます
   *[no] ページやファイルが壊れます
}。削除してください（ほかの場所からコピー＆ペーストしたときに紛れ込むことがよくあります）
editor-not-doi = 「{ $value }」は DOI ではありません。DOI は 10.1038/nature16961 のような形で、https://doi.org/ は付けません
editor-url-char = URL に{ $what ->
    [space] スペース
    [newline] 改行
    [tab] タブ
   *[other] 目に見えない文字 { $code }
}が含まれています。削除してください（URL は 1 行で、スペースを含みません。スペースは %20 と書きます）
editor-not-url = 「{ $value }」は有効な http(s) の URL ではありません（例：https://www.nature.com/articles/nature16961）
editor-not-date = 「{ $value }」は日付ではありません。年-月-日 の形で、例えば 2016-01-28 のように書いてください
editor-cover-not-image = このファイルは読み込める PNG または JPEG の画像ではありません（壊れているか不完全な可能性があります）。別の画像ファイルを選んで保存し直してください
editor-cover-too-large = 画像は { $width }×{ $height } ピクセルで、上限の 4000 万ピクセルを超えています。小さくしてからアップロードしてください（720×960 で十分です）
editor-cover-too-many-bytes = 表紙のファイルは { $mb } MB で、上限の { $limit } MB を超えています。小さくしてからアップロードしてください（720×960 で十分です）
editor-cover-truncated = 画像ファイルが不完全です（画像の途中で途切れています）。完全なファイルをアップロードし直してください
editor-cover-encode = 表紙を処理できませんでした。しばらくしてからもう一度お試しください
editor-required = 必須項目です。入力してください
editor-one-language = 少なくとも一つの言語で入力してください
editor-url-or-doi = 論文の URL か DOI（または両方）を入力してください
editor-citation-journal = 引用の項目を入力する場合、雑誌名は必須です
editor-check-found = 保存前のチェックで問題が見つかりました（原文は英語）：{ $message }
editor-busy = 別の保存が進行中で、数秒以内に終わりませんでした。何も書き込まれていません。しばらくしてからもう一度「保存」を押してください
editor-stale = このページを開いた後に、誰かが同じ内容を保存しました。あなたの変更は書き込まれていません。新しいタブでこのページを開き直して相手の変更を確認し、あなたの変更を入力し直して保存してください
editor-cannot-edit = この記事を変更できません：{ $message }
editor-cannot-create = 新しい記事を作成できません：{ $message }
editor-bad-id = 記事 ID「{ $id }」：英小文字、数字、- だけが使えます（new も使えません）
editor-cover-needed = 新しい記事には表紙の画像（PNG または JPEG）が必要です
editor-id-taken = ID が「{ $id }」の記事はすでにあります。別の ID にしてください
editor-read-only = 展示ファイルへの書き込み権限が docent にないため（フォルダ { $path } は読み取り専用です）、何も保存されませんでした。サーバーの管理者に、このフォルダへの書き込み権限を docent に与えるよう依頼してから（deploy/README.md の「Write access for the editor」）、もう一度保存してください。
editor-disk-full = 展示ファイルのあるディスクがいっぱいのため、何も保存されず、既存のファイルも変更されていません。サーバーの管理者に空き容量を作ってもらってから、もう一度保存してください。
phase-bad-start = 開始日時「{ $given }」：YYYY-MM-DDTHH:MM（現地時間）の形で書いてください。例：2026-12-15T09:00
phase-file-invalid = exhibition.toml 自体に問題があるため、ブラウザから会期を追加できません。管理者に docent check を実行してもらってください（{ $message }）
history-new-file = 新しいファイル
history-cover = 表紙の画像
history-layout-only = コメントまたは書式のみ
history-separator = 、
short-title_zh = タイトル（中国語）
short-title_en = タイトル（英語）
short-summary_zh = 概要（中国語）
short-summary_en = 概要（英語）
short-topics = テーマ
short-cover_alt_zh = 表紙の説明（中国語）
short-cover_alt_en = 表紙の説明（英語）
short-doi = DOI
short-url = 論文の URL
short-oa_url = 論文の無料で合法な全文
short-citation_authors = 引用：著者
short-citation_title = 引用：論文のタイトル
short-citation_journal = 引用：雑誌名
short-citation_volume = 引用：巻
short-citation_pages = 引用：ページ
short-citation_issue_date = 引用：発行日
short-cover = 表紙
