# 故事编辑器与展期编辑器对保存的说明，以及历史记录的摘要。

editor-title-required = 标题（{ $lang ->
    [zh] 中文
    [en] 英文
    [ja] 日文
   *[other] { $tag }
}）是必填项：请填写
editor-summary-required = 简介（{ $lang ->
    [zh] 中文
    [en] 英文
    [ja] 日文
   *[other] { $tag }
}）是必填项：请填写
editor-hidden-char = 含有看不见的字符 { $code }，{ $reorders ->
    [yes] 它会打乱后面文字的显示顺序
   *[no] 它会破坏页面或文件
}；请删除它（它通常是从别处复制粘贴时带进来的）
editor-not-doi = “{ $value }”不是 DOI：DOI 应类似 10.1038/nature16961，不含 https://doi.org/
editor-url-char = 网址中含有{ $what ->
    [space] 空格
    [newline] 换行
    [tab] 制表符
   *[other] 看不见的字符 { $code }
}；请删除（网址只有一行，不含空格；空格请写作 %20）
editor-not-url = “{ $value }”不是有效的 http(s) 网址（例如 https://www.nature.com/articles/nature16961）
editor-not-date = “{ $value }”不是日期：请写成 年-月-日，例如 2016-01-28
editor-cover-not-image = 这个文件不是可读的 PNG 或 JPEG 图片（也可能已损坏或不完整）：请换一个图片文件再保存
editor-cover-too-large = 图片为 { $width }×{ $height } 像素，超过 4000 万像素的上限：请先把图片缩小（720×960 就足够）再上传
editor-cover-too-many-bytes = 封面文件为 { $mb } MB，超过 { $limit } MB 的上限：请先把图片缩小（720×960 就足够）再上传
editor-cover-truncated = 图片文件不完整（在图像结束之前就断了）：请重新上传完整的文件
editor-cover-encode = 封面无法处理：请稍后再试
editor-required = 这是必填项：请填写
editor-one-language = 请至少用一种语言填写
editor-url-or-doi = 请填写论文网址或 DOI（或两者都填）
editor-citation-journal = 填写了引用信息时，期刊为必填项
editor-check-found = 保存前的检查发现问题（原文为英文）：{ $message }
editor-busy = 另一项保存正在进行，未能在几秒内完成；没有写入任何内容。请稍后再点一次“保存”
editor-stale = 在您打开此页面之后，有人保存了同一内容；您的修改没有写入。请在新标签页中重新打开此页面查看对方的修改，再把您的修改填进去保存
editor-cannot-edit = 无法修改这个故事：{ $message }
editor-cannot-create = 无法生成新故事：{ $message }
editor-bad-id = 故事 id“{ $id }”：只能用小写字母、数字和 -（也不能是 new）
editor-cover-needed = 新故事需要一张封面图片（PNG 或 JPEG）
editor-id-taken = 已有 id 为“{ $id }”的故事：请换一个 id
editor-read-only = docent 没有写入展品文件的权限（文件夹 { $path } 对它只读），因此没有保存任何内容。请联系服务器管理员为 docent 开放该文件夹的写权限（见 deploy/README.md 的 “Write access for the editor” 一节），然后重新保存。
editor-disk-full = 存放展品文件的磁盘已满，因此没有保存任何内容，原有文件也没有改动。请联系服务器管理员腾出空间，然后重新保存。
phase-bad-start = 开始时间“{ $given }”：请写成 YYYY-MM-DDTHH:MM（当地时间），例如 2026-12-15T09:00
phase-file-invalid = exhibition.toml 文件本身有问题，无法在浏览器中添加展期；请让管理员运行 docent check 查看（{ $message }）
history-new-file = 新文件
history-cover = 封面图片
history-layout-only = 仅注释或格式
history-separator = 、
short-title_zh = 标题（中文）
short-title_en = 标题（英文）
short-summary_zh = 简介（中文）
short-summary_en = 简介（英文）
short-topics = 主题
short-cover_alt_zh = 封面的文字描述（中文）
short-cover_alt_en = 封面的文字描述（英文）
short-doi = DOI
short-url = 论文网址
short-oa_url = 论文的免费合法全文网址
short-citation_authors = 引用：作者
short-citation_title = 引用：论文标题
short-citation_journal = 引用：期刊
short-citation_volume = 引用：卷
short-citation_pages = 引用：页码
short-citation_issue_date = 引用：出版日期
short-cover = 封面
